"""The kit's loops (the outbox relay, periodic jobs, the LISTEN connection, a watch) end when
cancelled, even when the cancellation comes just as what they wait for happens — Python 3.11's
`asyncio.wait_for(event.wait(), …)` swallowed it there, and a shutdown gathering the loop hung."""

import asyncio

from tradeflow_kit.wake import set_or_timeout


async def test_a_loop_waking_on_an_event_ends_when_cancelled_just_as_the_event_is_set():
    wake, rounds = asyncio.Event(), []

    async def loop() -> None:
        while True:
            wake.clear()
            await set_or_timeout(wake, 1.0)
            rounds.append(wake.is_set())

    task = asyncio.create_task(loop())
    await asyncio.sleep(0.05)
    wake.set()  # a notification came …
    await asyncio.sleep(0)  # … the wait inside is done …
    task.cancel()  # … and the shutdown cancels the loop before it ran again
    done, _ = await asyncio.wait({task}, timeout=3)
    assert done == {task} and task.cancelled(), f"the loop went on after its cancellation: {rounds}"


async def test_a_wait_with_nothing_set_ends_at_its_deadline_and_a_set_event_ends_it_at_once():
    loop = asyncio.get_running_loop()
    started = loop.time()
    await set_or_timeout(asyncio.Event(), 0.05)
    assert 0.04 <= loop.time() - started < 1
    woken = asyncio.Event()
    woken.set()
    started = loop.time()
    await set_or_timeout(woken, 5)
    assert loop.time() - started < 1
