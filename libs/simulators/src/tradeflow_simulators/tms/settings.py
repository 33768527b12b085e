"""The carrier simulator's settings, from the environment (`TMS_SIM_*`); the defaults match the
local stack's (which sets the callback URL to its gateway). Run as a process, the warehouse
simulator it brings stopped parcels back to is the stack's (`TRADEFLOW_WMS_SIMULATOR_URL`) unless
`TMS_SIM_WAREHOUSE_URL` says otherwise."""

import os

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradeflow_simulators.book import default_data_file
from tradeflow_simulators.settings import ReportingSimulatorSettings


class TmsSimSettings(ReportingSimulatorSettings):
    model_config = SettingsConfigDict(env_prefix="TMS_SIM_")

    port: int = 8192  # TMS_SIM_PORT
    api_key: SecretStr = Field(SecretStr("tms-dev-key"), validation_alias="TRADEFLOW_TMS_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("tms-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_TMS_WEBHOOK_SECRET")
    callback_url: str = "http://127.0.0.1:8080/fulfillment/tms/callbacks"  # TMS_SIM_CALLBACK_URL
    warehouse_url: str = Field("", description="The WMS simulator, told when a parcel it handed over was "
                                               "intercepted and comes back (its auto mode receives it); empty: nobody")

    def process_defaults(self) -> dict[str, str]:
        return {"data_file": default_data_file("tms-sim", "tms.sqlite3"),  # TMS_SIM_DATA_FILE
                "warehouse_url": os.environ.get("TRADEFLOW_WMS_SIMULATOR_URL", "")}  # TMS_SIM_WAREHOUSE_URL
