"""Time and ids, injected: the ports every service's use cases name (`Clock`, `IdGenerator`), and
the real ones its composition root passes (tests pass their own)."""

import uuid
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""


class IdGenerator(Protocol):
    def new_id(self, prefix: str) -> str:
        """A new unique id, `<prefix>_…`."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidIdGenerator:
    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex}"
