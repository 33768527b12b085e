"""The warehouse simulator's settings, from the environment (`WMS_SIM_*`); the defaults match the
local stack's (which sets the callback URL to its gateway and the carrier URL to the TMS simulator)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradeflow_simulators.book import default_data_file
from tradeflow_simulators.settings import ReportingSimulatorSettings


class WmsSimSettings(ReportingSimulatorSettings):
    model_config = SettingsConfigDict(env_prefix="WMS_SIM_")

    port: int = 8191  # WMS_SIM_PORT
    api_key: SecretStr = Field(SecretStr("wms-dev-key"), validation_alias="TRADEFLOW_WMS_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("wms-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_WMS_WEBHOOK_SECRET")
    callback_url: str = "http://127.0.0.1:8080/fulfillment/wms/callbacks"  # WMS_SIM_CALLBACK_URL
    carrier_url: str = Field("", description="The TMS simulator, told when a parcel is handed to its carrier "
                                             "(at shipped: what starts the carrier's auto mode); empty: nobody")

    def process_defaults(self) -> dict[str, str]:
        return {"data_file": default_data_file("wms-sim", "wms.sqlite3")}  # WMS_SIM_DATA_FILE
