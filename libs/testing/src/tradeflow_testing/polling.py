"""Waiting in tests: poll with a deadline and a growing pause, never a fixed sleep."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def poll_until(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], timeout: float = 30,
                     what: str = "state") -> T:
    """Call `fetch` until `until(result)`; the result, or an AssertionError with the last one seen."""
    deadline, last, poll_interval = time.monotonic() + timeout, None, 0.05
    while time.monotonic() < deadline:
        last = await fetch()
        if until(last):
            return last
        await asyncio.sleep(poll_interval)
        poll_interval = min(poll_interval * 1.5, 0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last seen: {last}")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30, what: str = "condition") -> None:
    """Poll until `check` holds, failing after `timeout` seconds."""
    await poll_until(check, bool, timeout, what)
