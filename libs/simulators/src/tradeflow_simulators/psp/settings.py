"""The simulator's settings, from the environment; the defaults match the local stack's."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PspSimSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = Field("127.0.0.1", validation_alias="PSP_SIM_HOST")
    port: int = Field(8190, validation_alias="PSP_SIM_PORT")
    public_url: str = Field("", validation_alias="PSP_SIM_PUBLIC_URL",
                            description="Base of the buyer-facing pay_url; http://<host>:<port> when empty")
    api_key: SecretStr = Field(SecretStr("psp-dev-key"), validation_alias="TRADEFLOW_PSP_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("psp-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_PSP_WEBHOOK_SECRET")
    webhook_attempts: int = Field(5, ge=1, validation_alias="PSP_SIM_WEBHOOK_ATTEMPTS")
    webhook_backoff_seconds: float = Field(0.5, ge=0, validation_alias="PSP_SIM_WEBHOOK_BACKOFF_SECONDS")
    webhook_timeout_seconds: float = Field(5.0, gt=0, validation_alias="PSP_SIM_WEBHOOK_TIMEOUT_SECONDS")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
