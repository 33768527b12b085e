"""Background loops of the simulators that end when their app stops: waiting for a wake-up
with a deadline, and cancelling tasks until they have ended."""

import asyncio
import contextlib


async def wake_or_timeout(event: asyncio.Event, seconds: float) -> None:
    """Wait until `event` is set, for at most `seconds`. Not `asyncio.wait_for(event.wait(), …)`:
    on Python 3.11 that swallows a cancellation arriving just as the event is set (the inner
    wait already done, wait_for returns its result), and a loop built on it then never ends —
    a simulator's shutdown, which cancels it, waited for ever (CI hung in test_durable_parcels)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()


async def cancel_all(tasks: list[asyncio.Task], every: float = 1.0) -> None:
    """Cancel `tasks` and wait until all have ended, cancelling those still running again every
    `every` seconds (a task may swallow one cancellation, e.g. inside a library's wait)."""
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=every)
    await asyncio.gather(*tasks, return_exceptions=True)
