"""Waiting in tests: poll with a deadline and a growing pause, never a fixed sleep."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def poll_within(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], timeout: float, *,
                      pause: float = 0.05, max_pause: float = 0.5) -> tuple[bool, T | None]:
    """Call `fetch` until `until(result)`, the pause growing ×1.5 up to `max_pause`, for at most
    `timeout` seconds: (True, the result), or (False, the last result seen)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = await fetch()
        if until(last):
            return True, last
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, max_pause)
    return False, last


async def poll_until(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], timeout: float = 30,
                     what: str = "state") -> T:
    """Call `fetch` until `until(result)`; the result, or an AssertionError with the last one seen."""
    held, last = await poll_within(fetch, until, timeout)
    if held:
        return last
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last seen: {last}")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30, what: str = "condition") -> None:
    """Poll until `check` holds, failing after `timeout` seconds."""
    await poll_until(check, bool, timeout, what)
