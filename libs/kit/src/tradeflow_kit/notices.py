"""What a use case that waits for a change needs (ports, no library): a watch on a key that is
woken when a change of that key commits anywhere. `tradeflow_kit.notifications` implements it
over PostgreSQL LISTEN/NOTIFY (`ChannelWatch`)."""

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Notice(Protocol):
    async def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a change since the last wait: True when woken. A wake
        is a hint to look again, never the data."""


class Notices(Protocol):
    def watch(self, key: str) -> AbstractAsyncContextManager[Notice]:
        """Woken when a change of `key` commits, in any process."""
