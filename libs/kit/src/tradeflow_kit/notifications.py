"""Waking waiters when a transaction commits: PostgreSQL LISTEN/NOTIFY.

A writer calls `notify(db, channel, key)` inside its transaction; PostgreSQL delivers it only if
and when that transaction commits, to every listening process of every replica. A process keeps
one `Listener` (one dedicated asyncpg connection, outside the pool) per database, and a request
that waits for something to change (a payment waiting for the order to become payable, an SSE
stream of an order's changes) watches `(channel, key)`:

    async with listener.watch("order_changed", order_id) as changes:
        while ...:
            state = await read()            # always re-read: a wake says "look again", not what changed
            ...
            await changes.wait(timeout)     # True when woken, False on timeout

Rules: a notification is a hint, never the data. A waiter reads the state after every wake and
after every timeout, so a notification lost while the listener reconnects (or sent before the
watch began) costs at most one timeout, never a wrong answer. After a reconnect every watcher is
woken, for the same reason. Keys are short (PostgreSQL caps payloads at 8,000 bytes).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
import structlog
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tradeflow_kit.wake import any_set, set_or_timeout

log = structlog.get_logger(__name__)


def notice(channel: str, key: str) -> Select:
    """`SELECT pg_notify(channel, key)`, to run in a transaction (alone, or with a statement that
    it rides on, e.g. as `notice(...).where(exists(select(<a CTE that writes>)))`)."""
    return select(func.pg_notify(channel, key))


async def notify(db: AsyncSession | AsyncConnection, channel: str, key: str) -> None:
    """Tell `channel`'s listeners that `key` changed, when the open transaction commits."""
    await db.execute(notice(channel, key))


class Watch:
    """One waiter's view of `(channel, key)`: set by each notification until the waiter looks.
    A waiter that already waits on an event of its own (the outbox relay) may have it set instead."""

    def __init__(self, changed: asyncio.Event | None = None) -> None:
        self._changed = changed or asyncio.Event()

    def wake(self) -> None:
        self._changed.set()

    async def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a change since the last wait: True when woken."""
        if timeout > 0 and not self._changed.is_set():
            await set_or_timeout(self._changed, timeout)
        woken = self._changed.is_set()
        self._changed.clear()
        return woken


class Listener:
    """LISTENs on `channels` over one connection to `database_url`, kept open (reconnecting with
    capped backoff) from `start()` until `stop()`. Watching works before it connects: waiters
    then simply see timeouts and re-read. Channels are added before `start()`."""

    def __init__(self, database_url: str, channels: tuple[str, ...] = (), max_backoff: float = 5.0) -> None:
        self._dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
        self._channels, self._max_backoff = list(dict.fromkeys(channels)), max_backoff
        self._watches: dict[tuple[str, str], set[Watch]] = {}
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.listening = asyncio.Event()

    def add_channels(self, *channels: str) -> None:
        if self._task is not None:
            raise RuntimeError("channels are added before the listener starts")
        self._channels.extend(c for c in channels if c not in self._channels)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pg-listener")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    @asynccontextmanager
    async def watch(self, channel: str, key: str, wake: asyncio.Event | None = None) -> AsyncIterator[Watch]:
        """Watch `(channel, key)` for the block; `wake`: an event of the caller's to set on each
        notification (else the Watch's own)."""
        if channel not in self._channels:
            raise ValueError(f"not listening on {channel!r} (channels: {', '.join(self._channels)})")
        watch, slot = Watch(wake), (channel, key)
        self._watches.setdefault(slot, set()).add(watch)
        try:
            yield watch
        finally:
            watchers = self._watches.get(slot)
            if watchers is not None:
                watchers.discard(watch)
                if not watchers:
                    del self._watches[slot]

    def watchers(self, channel: str, key: str) -> int:
        """How many waiters watch `(channel, key)` now (for tests and metrics)."""
        return len(self._watches.get((channel, key), ()))

    def _deliver(self, _connection, _pid: int, channel: str, key: str) -> None:
        for watch in self._watches.get((channel, key), ()):
            watch.wake()

    def _wake_all(self) -> None:
        for watchers in self._watches.values():
            for watch in watchers:
                watch.wake()

    async def _run(self) -> None:
        delay = 0.2
        while not self._stop.is_set():
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self._dsn)
            except Exception as exc:  # noqa: BLE001 — retried until the database answers
                log.warning("listener.connect_failed", error=f"{type(exc).__name__}: {exc}", retry_in=delay)
                await set_or_timeout(self._stop, delay)
                delay = min(delay * 2, self._max_backoff)
                continue
            try:
                connection.add_termination_listener(lambda _c, lost=lost: lost.set())
                for channel in self._channels:
                    await connection.add_listener(channel, self._deliver)
                self.listening.set()
                delay = 0.2
                self._wake_all()  # whatever changed while not listening: look again
                await any_set(self._stop, lost)
            except Exception as exc:  # noqa: BLE001 — a broken connection is replaced
                log.warning("listener.failed", error=f"{type(exc).__name__}: {exc}")
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await connection.close(timeout=2)
            if not self._stop.is_set():
                await set_or_timeout(self._stop, delay)


class ChannelWatch:
    """One channel of a listener, watched by key: the `tradeflow_kit.notices.Notices` port a use
    case waits on, the writer side being `notify(db, channel, key)`."""

    def __init__(self, listener: Listener, channel: str) -> None:
        listener.add_channels(channel)
        self._listener, self._channel = listener, channel

    def watch(self, key: str) -> AbstractAsyncContextManager[Watch]:
        return self._listener.watch(self._channel, key)
