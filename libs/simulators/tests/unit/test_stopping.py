"""The simulators' background loops end when cancelled, even when the cancellation comes just as
what they wait for happens (Python 3.11's `asyncio.wait_for` swallowed it there: CI hung)."""

import asyncio

from tradeflow_simulators.stopping import cancel_all, wake_or_timeout


async def test_a_loop_waking_on_an_event_ends_when_cancelled_just_as_the_event_is_set():
    wake, rounds = asyncio.Event(), []

    async def loop() -> None:
        while True:
            wake.clear()
            await wake_or_timeout(wake, 1.0)
            rounds.append(wake.is_set())

    task = asyncio.create_task(loop())
    await asyncio.sleep(0.05)
    wake.set()  # a delivery attempt ended …
    await asyncio.sleep(0)  # … the wait inside is done …
    task.cancel()  # … and the shutdown cancels the loop before it ran again
    done, _ = await asyncio.wait({task}, timeout=3)
    assert done == {task} and task.cancelled(), f"the loop went on after its cancellation: {rounds}"


async def test_a_wait_with_nothing_set_ends_at_its_deadline():
    started = asyncio.get_running_loop().time()
    await wake_or_timeout(asyncio.Event(), 0.05)
    assert 0.04 <= asyncio.get_running_loop().time() - started < 1


async def test_cancel_all_cancels_again_a_task_that_swallowed_the_first_cancellation():
    cancellations = 0

    async def stubborn() -> None:
        nonlocal cancellations
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                cancellations += 1
                if cancellations > 1:
                    raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_all([task], every=0.05), 3)
    assert task.cancelled() and cancellations == 2
