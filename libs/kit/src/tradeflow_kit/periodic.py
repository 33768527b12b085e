"""Background jobs that work in rounds (deadline schedulers, reconciliation): one loop for all.

A round returns how much it did; a full round (`done >= full`) runs again at once to catch up,
otherwise the job waits `interval` seconds or until `stop` is set. A failing round is logged and
the job goes on: it must outlive a database or broker restart.
"""

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from tradeflow_kit.wake import set_or_timeout

log = structlog.get_logger(__name__)


async def run_rounds(name: str, round_: Callable[[], Awaitable[int]], stop: asyncio.Event, *,
                     interval: float, full: int | None = None) -> None:
    """Run `round_` until `stop` is set; `name` prefixes the log events (`<name>.round_failed`)."""
    while not stop.is_set():
        try:
            done = await round_()
        except Exception as exc:  # noqa: BLE001 — the job outlives a failing round
            log.warning(f"{name}.round_failed", error=f"{type(exc).__name__}: {exc}")
            done = 0
        if full is not None and done >= full:
            continue
        await set_or_timeout(stop, interval)
