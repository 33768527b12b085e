"""Channel-adapter settings (env prefix CHANNEL_ADAPTER_), beyond the shared ones; durations in
seconds (see README "Channel adapter")."""

from pydantic import Field

from tradeflow_kit.settings import settings_class


class Settings(settings_class("channel-adapter")):
    poll_seconds: float = Field(2.0, gt=0)  # how often pull channels' feeds are read
    sync_poll_seconds: float = Field(0.5, gt=0)  # how often due sync-back calls are looked for
    sync_first_backoff_seconds: float = Field(1.0, gt=0)  # a failed sync-back call is tried again after this,
    sync_max_backoff_seconds: float = Field(300.0, gt=0)  # … doubling up to this
    webhook_tolerance_seconds: float = Field(300.0, gt=0)  # a push signed further from now is refused (replay)
    channel_timeout_seconds: float = Field(5.0, gt=0)  # a call to a channel gives up after this
