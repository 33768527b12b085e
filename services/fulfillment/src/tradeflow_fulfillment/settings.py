from tradeflow_kit.settings import settings_class


class Settings(settings_class("fulfillment")):
    """Fulfillment service settings (env prefix FULFILLMENT_), beyond the shared ones."""

    merge_window_seconds: float = 600.0  # paid orders of one buyer, receiver and warehouse merge within this
    parcel_max_weight_grams: int = 20_000  # the carrier's limit per parcel
    parcel_max_volume_cm3: int = 100_000
    high_value_amount: int = 2_000_000  # a shipment worth more (minor units) is reviewed before dispatch
    carrier_rules: str = "*:*=YTO"  # <warehouse>:<region>=<carrier>[,…];… with * for any (domain/carriers.py)
