"""The one deadline scheduler on the real PostgreSQL: a due saga's action runs once, in its own
transaction; a failing action is retried after a backoff and parks its saga after the last try,
while the other due sagas of the round still fire."""

import asyncio
from datetime import timedelta

import pytest

from tradeflow_kit.sagas.definition import SagaDefinitionError, SagaState
from tradeflow_kit.sagas.instance import FailurePolicy, move
from tradeflow_kit.sagas.scheduler import fire_due_deadlines, run_deadline_scheduler
from tradeflow_testing.polling import poll_until

from ..saga_fixtures import CHECKOUT, T0
from .saga_support import FakeClock, add_all, checkout_in

POLICY = FailurePolicy(max_attempts=3, first_backoff=timedelta(seconds=1), max_backoff=timedelta(seconds=10))


def actions_that(fired: list[str], broken: frozenset[str] = frozenset()):
    """Deadline actions that record the call, move the saga on and save it — and raise for the
    `broken` ones after they moved and saved (so the rollback is visible)."""

    async def payment_deadline(tx, saga, now):
        fired.append(saga.id)
        move(CHECKOUT, saga, "cancelling", "payment deadline passed", now)
        await tx.sagas.save(saga)
        if saga.id in broken:
            raise RuntimeError(f"psp down for {saga.id}")

    async def release_deadline(tx, saga, now):
        fired.append(saga.id)
        move(CHECKOUT, saga, "cancelled", "gave up waiting for stock release", now)
        await tx.sagas.save(saga)

    return {"awaiting_payment": payment_deadline, "cancelling": release_deadline}


async def saga(transactions, saga_id):
    async with transactions.begin() as tx:
        return await tx.sagas.get(saga_id)


async def test_a_due_deadline_fires_once(saga_transactions):
    clock, fired = FakeClock(), []
    await add_all(saga_transactions, checkout_in("o-due", "awaiting_payment", T0),
                  checkout_in("o-fresh", "awaiting_payment", T0 + timedelta(minutes=10)))
    clock.advance(minutes=15)

    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions_that(fired), clock, POLICY) == 1
    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions_that(fired), clock, POLICY) == 0
    assert fired == ["o-due"]
    moved = await saga(saga_transactions, "o-due")
    assert (moved.step, moved.deadline_at) == ("cancelling", clock.now + timedelta(minutes=1))
    assert (await saga(saga_transactions, "o-fresh")).step == "awaiting_payment"


async def test_a_failing_action_backs_off_then_parks_while_the_others_still_fire(saga_transactions):
    clock, fired = FakeClock(), []
    await add_all(saga_transactions, *(checkout_in(f"o-{i}", "awaiting_payment", T0) for i in range(3)))
    clock.advance(minutes=15)
    actions = actions_that(fired, broken=frozenset({"o-0"}))

    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY) == 3
    assert sorted(fired) == ["o-0", "o-1", "o-2"]
    broken = await saga(saga_transactions, "o-0")
    assert (broken.step, broken.state, broken.attempts) == ("awaiting_payment", SagaState.RUNNING, 1)  # rolled back
    assert broken.deadline_at == clock.now + timedelta(seconds=1)
    assert [(await saga(saga_transactions, f"o-{i}")).step for i in (1, 2)] == ["cancelling", "cancelling"]

    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY) == 0  # backing off
    clock.advance(seconds=1)
    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY) == 1
    assert (await saga(saga_transactions, "o-0")).deadline_at == clock.now + timedelta(seconds=2)
    clock.advance(seconds=2)
    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY) == 1

    parked = await saga(saga_transactions, "o-0")
    assert (parked.state, parked.attempts, parked.step) == (SagaState.NEEDS_ATTENTION, 3, "awaiting_payment")
    assert parked.attention == "awaiting_payment: failed 3 times, last: RuntimeError: psp down for o-0"
    clock.advance(hours=1)  # the others' cancelling deadlines pass; the parked one is never claimed
    fired.clear()
    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY) == 2
    assert sorted(fired) == ["o-1", "o-2"]


async def test_an_action_that_leaves_its_deadline_due_ends_the_round(saga_transactions):
    clock, calls = FakeClock(), []
    await add_all(saga_transactions, checkout_in("o-1", "awaiting_payment", T0))
    clock.advance(minutes=15)

    async def forgets_to_move(tx, saga, now):
        calls.append(saga.id)

    actions = {"awaiting_payment": forgets_to_move, "cancelling": forgets_to_move}
    assert await fire_due_deadlines(saga_transactions, CHECKOUT, actions, clock, POLICY, batch=50) == 1
    assert calls == ["o-1"]


async def test_a_step_with_a_deadline_but_no_action_is_refused_before_anything_runs(saga_transactions):
    stop = asyncio.Event()
    with pytest.raises(SagaDefinitionError, match="no deadline action for cancelling"):
        await run_deadline_scheduler(saga_transactions, CHECKOUT, {"awaiting_payment": None}, FakeClock(), stop,
                                     interval=0.05)


async def test_the_background_scheduler_fires_due_deadlines_until_stopped(saga_transactions):
    clock, fired, stop = FakeClock(), [], asyncio.Event()
    await add_all(saga_transactions, checkout_in("o-1", "awaiting_payment", T0))
    task = asyncio.create_task(run_deadline_scheduler(saga_transactions, CHECKOUT, actions_that(fired), clock, stop,
                                                      interval=0.05, policy=POLICY))
    clock.advance(minutes=15)
    await poll_until(lambda: saga(saga_transactions, "o-1"), lambda s: s.step == "cancelling", timeout=10,
                     what="the payment deadline fired")
    clock.advance(minutes=1)
    await poll_until(lambda: saga(saga_transactions, "o-1"), lambda s: s.state == SagaState.COMPENSATED,
                     timeout=10, what="the release deadline fired")
    stop.set()
    await asyncio.wait_for(task, 5)
    assert fired == ["o-1", "o-1"]
