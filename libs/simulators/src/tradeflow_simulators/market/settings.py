"""The marketplace simulator's settings, from the environment (`MARKET_SIM_*`); the defaults match
the local stack's, which sets `MARKET_SIM_CALLBACK_URL` to its gateway's
`/channels/{code}/webhooks` (`{code}` is replaced by the pushing shop's code)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradeflow_simulators.settings import SimulatorSettings


class MarketSimSettings(SimulatorSettings):
    model_config = SettingsConfigDict(env_prefix="MARKET_SIM_")

    port: int = 8193  # MARKET_SIM_PORT
    callback_url: str = Field("http://127.0.0.1:8080/channels/{code}/webhooks",
                              description="Where a push shop sends its webhooks; {code} is the shop's code")
    push_code: str = "shopa"  # MARKET_SIM_PUSH_CODE: the shop of shape A (kind marketplace_push)
    push_secret: SecretStr = SecretStr("shopa-dev-secret")  # MARKET_SIM_PUSH_SECRET
    pull_code: str = "shopb"  # MARKET_SIM_PULL_CODE: the shop of shape B (kind marketplace_pull)
    pull_secret: SecretStr = SecretStr("shopb-dev-secret")  # MARKET_SIM_PULL_SECRET
    signature_tolerance_seconds: float = Field(300.0, gt=0, description="How old a signed call to a shop may be")

    def webhook_url(self, code: str) -> str:
        return self.callback_url.replace("{code}", code)
