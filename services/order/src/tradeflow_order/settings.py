from tradeflow_kit.settings import settings_class


class Settings(settings_class("order")):
    """Order service settings (env prefix ORDER_), beyond the shared ones."""

    payment_timeout_seconds: float = 1800.0
    review_timeout_seconds: float = 86400.0  # a risk-held order nobody reviewed is cancelled after this
    deadline_poll_seconds: float = 1.0
    auto_confirm_seconds: float = 7 * 86400.0  # receipt confirmed for the buyer this long after all was received
    risk_max_amount: int = 5_000_000
    risk_max_orders_per_phone_per_hour: int = 20
    risk_max_orders_per_address_per_hour: int = 20
    risk_blacklist: str = ""  # comma-separated buyer ids, phones or addresses
    max_unpaid_units_per_sku: int = 50  # units of one SKU a buyer may hold in unpaid orders
