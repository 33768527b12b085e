"""The payment service's settings: the kit's, plus how to reach the payment provider (PSP)."""

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tradeflow_kit.settings import settings_class

DEV_PSP_API_KEY = "psp-dev-key"
DEV_PSP_WEBHOOK_SECRET = "psp-dev-webhook-secret"


class Settings(settings_class("payment")):
    model_config = SettingsConfigDict(populate_by_name=True)

    psp_base_url: str = "http://127.0.0.1:8190"  # PAYMENT_PSP_BASE_URL
    psp_api_key: SecretStr = Field(SecretStr(DEV_PSP_API_KEY), validation_alias="TRADEFLOW_PSP_API_KEY")
    psp_webhook_secret: SecretStr = Field(SecretStr(DEV_PSP_WEBHOOK_SECRET),
                                          validation_alias="TRADEFLOW_PSP_WEBHOOK_SECRET")
    public_callback_url: str = "http://127.0.0.1:8080/payments/psp/callbacks"  # PAYMENT_PUBLIC_CALLBACK_URL
    psp_timeout_seconds: float = Field(10.0, gt=0)  # PAYMENT_PSP_TIMEOUT_SECONDS
    callback_tolerance_seconds: int = Field(300, gt=0)  # PAYMENT_CALLBACK_TOLERANCE_SECONDS
    # POST /payments for an order whose payment is not requested yet waits this long, then 409:
    wait_for_payable_seconds: float = Field(5.0, ge=0)  # PAYMENT_WAIT_FOR_PAYABLE_SECONDS
    not_payable_retry_after_seconds: int = Field(2, ge=1)  # PAYMENT_NOT_PAYABLE_RETRY_AFTER_SECONDS
    # Reconciliation with the PSP (asks about attempts no webhook settled; see app/reconcile.py):
    reconcile_enabled: bool = True  # PAYMENT_RECONCILE_ENABLED
    reconcile_interval_seconds: float = Field(30.0, gt=0)  # PAYMENT_RECONCILE_INTERVAL_SECONDS
    reconcile_pending_after_seconds: float = Field(300.0, ge=0)  # PAYMENT_RECONCILE_PENDING_AFTER_SECONDS
    reconcile_recheck_seconds: float = Field(60.0, ge=0)  # PAYMENT_RECONCILE_RECHECK_SECONDS
    reconcile_max_age_hours: float = Field(72.0, gt=0)  # PAYMENT_RECONCILE_MAX_AGE_HOURS
    reconcile_batch: int = Field(50, ge=1)  # PAYMENT_RECONCILE_BATCH
    # Refunds the PSP could not take are tried again, forever (see app/retry_refunds.py):
    refund_retry_enabled: bool = True  # PAYMENT_REFUND_RETRY_ENABLED
    refund_retry_interval_seconds: float = Field(1.0, gt=0)  # PAYMENT_REFUND_RETRY_INTERVAL_SECONDS
    refund_retry_first_backoff_seconds: float = Field(2.0, gt=0)  # PAYMENT_REFUND_RETRY_FIRST_BACKOFF_SECONDS
    refund_retry_max_backoff_seconds: float = Field(300.0, gt=0)  # PAYMENT_REFUND_RETRY_MAX_BACKOFF_SECONDS
    refund_retry_warn_after_attempts: int = Field(10, ge=1)  # PAYMENT_REFUND_RETRY_WARN_AFTER_ATTEMPTS
    refund_retry_batch: int = Field(50, ge=1)  # PAYMENT_REFUND_RETRY_BATCH

    @model_validator(mode="after")
    def _no_dev_psp_secrets_in_production(self) -> "Settings":
        if self.environment == "production" and (
                self.psp_api_key.get_secret_value() == DEV_PSP_API_KEY
                or self.psp_webhook_secret.get_secret_value() == DEV_PSP_WEBHOOK_SECRET):
            raise ValueError("TRADEFLOW_PSP_API_KEY and TRADEFLOW_PSP_WEBHOOK_SECRET must be set in production")
        return self
