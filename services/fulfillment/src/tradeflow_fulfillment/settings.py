from pydantic import AwareDatetime, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tradeflow_kit.settings import settings_class

DEV_WMS_API_KEY, DEV_WMS_WEBHOOK_SECRET = "wms-dev-key", "wms-dev-webhook-secret"
DEV_TMS_API_KEY, DEV_TMS_WEBHOOK_SECRET = "tms-dev-key", "tms-dev-webhook-secret"


class Settings(settings_class("fulfillment")):
    """Fulfillment service settings (env prefix FULFILLMENT_), beyond the shared ones.

    FULFILLMENT_PLAN_PAID_SINCE — the start point, an ISO 8601 instant with its offset (e.g.
    `2027-01-15T00:00:00+08:00`). Fulfillment reads order.paid from the start of the order events
    topic the first time it runs, so on a platform that already ran it would plan — and dispatch —
    every order ever paid. Orders paid before this instant (the order.paid envelope's `occurred_at`,
    written when the order service recorded the payment; kept by DLQ replays) are acknowledged,
    logged (`fulfillment.skipped_before_start`) and recorded as skipped (`planned_orders`, outcome
    `skipped_before_start`, with `paid_at`), never planned; their virtual goods are not granted
    either. Unset (the default): every paid order is planned — right for a fresh platform.
    """

    model_config = SettingsConfigDict(populate_by_name=True)

    merge_window_seconds: float = 600.0  # paid orders of one buyer, receiver and warehouse merge within this
    plan_paid_since: AwareDatetime | None = None  # the start point (above); None plans every paid order
    parcel_max_weight_grams: int = 20_000  # the carrier's limit per parcel
    parcel_max_volume_cm3: int = 100_000
    high_value_amount: int = 2_000_000  # a shipment worth more (minor units) is reviewed before dispatch
    carrier_rules: str = "*:*=YTO"  # <warehouse>:<region>=<carrier>[,…];… with * for any (domain/carriers.py)
    # The warehouse (WMS) and the carriers (TMS); locally their simulators (README: "Warehouse and
    # carrier simulators"). They call back through the gateway: /fulfillment/wms|tms/callbacks.
    wms_url: str = "http://127.0.0.1:8191"  # FULFILLMENT_WMS_URL
    wms_api_key: SecretStr = Field(SecretStr(DEV_WMS_API_KEY), validation_alias="TRADEFLOW_WMS_API_KEY")
    wms_webhook_secret: SecretStr = Field(SecretStr(DEV_WMS_WEBHOOK_SECRET),
                                          validation_alias="TRADEFLOW_WMS_WEBHOOK_SECRET")
    tms_url: str = "http://127.0.0.1:8192"  # FULFILLMENT_TMS_URL
    tms_api_key: SecretStr = Field(SecretStr(DEV_TMS_API_KEY), validation_alias="TRADEFLOW_TMS_API_KEY")
    tms_webhook_secret: SecretStr = Field(SecretStr(DEV_TMS_WEBHOOK_SECRET),
                                          validation_alias="TRADEFLOW_TMS_WEBHOOK_SECRET")
    outside_timeout_seconds: float = Field(10.0, gt=0)  # each call to the WMS or the TMS
    callback_tolerance_seconds: float = Field(300.0, gt=0)  # a callback's timestamp may be this far from now
    # The dispatcher (app/dispatch_shipments.py): every replica runs it unless disabled.
    dispatch_enabled: bool = True
    dispatch_interval_seconds: float = Field(1.0, gt=0)  # how often it looks for due shipments
    dispatch_batch: int = Field(20, gt=0)  # shipments per round
    dispatch_lease_seconds: float = Field(60.0, gt=0)  # a claimed dispatch not recorded by then is taken again
    dispatch_retry_first_backoff_seconds: float = Field(1.0, gt=0)  # WMS/TMS unreachable: retried after, doubling
    dispatch_retry_max_backoff_seconds: float = Field(60.0, gt=0)
    # Cancellation after payment: how long the warehouse or the carrier has to answer an
    # interception before the cancel is refused and the shipment goes on (DOMAIN §4).
    intercept_deadline_seconds: float = Field(120.0, gt=0)

    @model_validator(mode="after")
    def _no_dev_outside_secrets_in_production(self) -> "Settings":
        dev = {DEV_WMS_API_KEY, DEV_WMS_WEBHOOK_SECRET, DEV_TMS_API_KEY, DEV_TMS_WEBHOOK_SECRET}
        given = {s.get_secret_value() for s in (self.wms_api_key, self.wms_webhook_secret, self.tms_api_key,
                                                self.tms_webhook_secret)}
        if self.environment == "production" and given & dev:
            raise ValueError("TRADEFLOW_WMS_API_KEY, TRADEFLOW_WMS_WEBHOOK_SECRET, TRADEFLOW_TMS_API_KEY and "
                             "TRADEFLOW_TMS_WEBHOOK_SECRET must be set in production")
        return self

    @model_validator(mode="after")
    def _lease_outlasts_the_calls(self) -> "Settings":
        """A dispatch makes up to three calls (waybill, dispatch, and whose a duplicate number is);
        a shorter lease would let a second dispatcher start while the first still waits."""
        if self.dispatch_lease_seconds <= 3 * self.outside_timeout_seconds:
            raise ValueError("FULFILLMENT_DISPATCH_LEASE_SECONDS must exceed 3 × FULFILLMENT_OUTSIDE_TIMEOUT_SECONDS")
        return self
