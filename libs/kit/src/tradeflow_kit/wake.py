"""Waiting for an event with a deadline, in the loops that end when their service stops."""

import asyncio
import contextlib


async def set_or_timeout(event: asyncio.Event, seconds: float) -> None:
    """Wait until `event` is set, for at most `seconds`. Not `asyncio.wait_for(event.wait(), …)`:
    on Python 3.11 that swallows a cancellation arriving just as the event is set (the inner wait
    is done, so wait_for returns its result), and a loop built on it then runs on after its task
    was cancelled — a shutdown gathering it waits for ever (the simulators' webhook loop hung a
    test run that way)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()


async def any_set(*events: asyncio.Event, timeout: float | None = None) -> None:
    """Wait until one of `events` is set, for at most `timeout` seconds (None: no deadline)."""
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()
