"""What every simulator's settings share: where it listens and how it retries its webhooks.

Each simulator reads them under its own prefix (`PSP_SIM_`, `WMS_SIM_`, `TMS_SIM_`: e.g.
`WMS_SIM_PORT`, `WMS_SIM_WEBHOOK_BACKOFF_SECONDS`); its keys and secrets are `TRADEFLOW_*`
variables shared with the service that talks to it.
"""

from typing import Self

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tradeflow_simulators.book import MEMORY
from tradeflow_simulators.webhooks import RetryPolicy


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 0
    webhook_attempts: int = Field(0, ge=0, description="At most this many attempts per webhook; 0: bounded by time")
    webhook_backoff_seconds: float = Field(1.0, ge=0, description="Pause before the 2nd attempt, doubling")
    webhook_max_backoff_seconds: float = Field(300.0, ge=0)
    webhook_retry_hours: float = Field(6.0, gt=0, description="How long a webhook is retried before gave_up")
    webhook_timeout_seconds: float = Field(5.0, gt=0)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.webhook_backoff_seconds, self.webhook_max_backoff_seconds,
                           self.webhook_retry_hours * 3600, self.webhook_attempts)


class ReportingSimulatorSettings(SimulatorSettings):
    """A simulator that reports to one configured callback URL (the warehouse, the carrier), keeps
    its book in SQLite (`data_file`), and has an auto-advance mode.

    `data_file` is `:memory:` for an app built in code (tests: nothing shared between them); run as
    a process (`python -m …`, the stack) it is `$TRADEFLOW_HOME/.local/<sim>/<sim>.sqlite3` unless
    set (`for_process`), so the stack's simulator survives a restart, kill -9 included."""

    api_key: SecretStr = SecretStr("")  # each simulator: its own TRADEFLOW_*_API_KEY and dev default
    webhook_secret: SecretStr = SecretStr("")  # likewise TRADEFLOW_*_WEBHOOK_SECRET
    callback_url: str = Field("", description="Where every webhook goes (our service, through the gateway)")
    auto: bool = Field(False, description="Start in auto-advance mode")
    step_seconds: float = Field(0.2, gt=0, description="Auto mode: the pause between two steps")
    data_file: str = Field(MEMORY, description="The SQLite book (its dispatches or waybills, webhooks, hand-offs); "
                                               "':memory:' keeps nothing")

    @classmethod
    def for_process(cls) -> Self:
        """The settings of the simulator run as a process: the environment's, and where it sets
        nothing, `process_defaults` (the book in a file)."""
        settings = cls()
        unset = {k: v for k, v in settings.process_defaults().items() if k not in settings.model_fields_set}
        return settings.model_copy(update=unset)

    def process_defaults(self) -> dict[str, str]:
        return {}
