"""The simulator's settings, from the environment (`PSP_SIM_*`); the defaults match the local stack's."""

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradeflow_simulators.settings import SimulatorSettings


def default_data_file() -> str:
    """`$TRADEFLOW_HOME/.local/psp-sim/psp.sqlite3` (the checkout's, else the working directory's)."""
    return str(Path(os.environ.get("TRADEFLOW_HOME", ".")) / ".local" / "psp-sim" / "psp.sqlite3")


class PspSimSettings(SimulatorSettings):
    model_config = SettingsConfigDict(env_prefix="PSP_SIM_")

    port: int = 8190  # PSP_SIM_PORT
    public_url: str = Field("", description="Base of the buyer-facing pay_url; http://<host>:<port> when empty")
    api_key: SecretStr = Field(SecretStr("psp-dev-key"), validation_alias="TRADEFLOW_PSP_API_KEY")
    webhook_secret: SecretStr = Field(SecretStr("psp-dev-webhook-secret"),
                                      validation_alias="TRADEFLOW_PSP_WEBHOOK_SECRET")
    data_file: str = Field(default_factory=default_data_file,
                           description="The SQLite book (payments, refunds, webhooks); ':memory:' keeps nothing")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
