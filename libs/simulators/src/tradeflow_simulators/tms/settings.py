"""The carrier simulator's settings, from the environment (`TMS_SIM_*`); the defaults match the
local stack's (which sets the callback URL to its gateway)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradeflow_simulators.settings import ReportingSimulatorSettings


class TmsSimSettings(ReportingSimulatorSettings):
    model_config = SettingsConfigDict(env_prefix="TMS_SIM_")

    port: int = 8192  # TMS_SIM_PORT
    api_key: SecretStr = Field(SecretStr("tms-dev-key"), validation_alias="TRADEFLOW_TMS_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("tms-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_TMS_WEBHOOK_SECRET")
    callback_url: str = "http://127.0.0.1:8080/fulfillment/tms/callbacks"  # TMS_SIM_CALLBACK_URL
