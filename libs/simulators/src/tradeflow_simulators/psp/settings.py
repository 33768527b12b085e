"""The simulator's settings, from the environment; the defaults match the local stack's."""

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_file() -> str:
    """`$TRADEFLOW_HOME/.local/psp-sim/psp.sqlite3` (the checkout's, else the working directory's)."""
    return str(Path(os.environ.get("TRADEFLOW_HOME", ".")) / ".local" / "psp-sim" / "psp.sqlite3")


class PspSimSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = Field("127.0.0.1", validation_alias="PSP_SIM_HOST")
    port: int = Field(8190, validation_alias="PSP_SIM_PORT")
    public_url: str = Field("", validation_alias="PSP_SIM_PUBLIC_URL",
                            description="Base of the buyer-facing pay_url; http://<host>:<port> when empty")
    api_key: SecretStr = Field(SecretStr("psp-dev-key"), validation_alias="TRADEFLOW_PSP_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("psp-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_PSP_WEBHOOK_SECRET")
    data_file: str = Field(default_factory=default_data_file, validation_alias="PSP_SIM_DATA_FILE",
                           description="The SQLite book (payments, refunds, webhooks); ':memory:' keeps nothing")
    webhook_attempts: int = Field(0, ge=0, validation_alias="PSP_SIM_WEBHOOK_ATTEMPTS",
                                  description="At most this many attempts per webhook; 0: bounded by time only")
    webhook_backoff_seconds: float = Field(1.0, ge=0, validation_alias="PSP_SIM_WEBHOOK_BACKOFF_SECONDS")
    webhook_max_backoff_seconds: float = Field(300.0, ge=0, validation_alias="PSP_SIM_WEBHOOK_MAX_BACKOFF_SECONDS")
    webhook_retry_hours: float = Field(6.0, gt=0, validation_alias="PSP_SIM_WEBHOOK_RETRY_HOURS")
    webhook_timeout_seconds: float = Field(5.0, gt=0, validation_alias="PSP_SIM_WEBHOOK_TIMEOUT_SECONDS")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
