"""One saga's state changes only through begin, move, failed, park and resume; every change of
step is kept as a move."""

from datetime import timedelta

import pytest

from tradeflow_kit.sagas.definition import IllegalSagaMove, SagaDefinition, SagaState, Step
from tradeflow_kit.sagas.instance import FailurePolicy, SagaMove, begin, failed, move, park, resume

from ..saga_fixtures import CHECKOUT, T0

LATER = T0 + timedelta(minutes=3)


def test_begin_stands_in_the_first_step_with_its_first_move():
    saga = begin(CHECKOUT, "o-1", T0, cause="order placed")
    assert (saga.name, saga.step, saga.state, saga.deadline_at, saga.attempts) == (
        "checkout", "reserving", SagaState.RUNNING, None, 0)
    assert saga.pull_moves() == [SagaMove(T0, None, "reserving", "order placed")]
    assert saga.moves == []  # pulled once


def test_a_first_step_with_a_deadline_is_armed_at_once():
    timed = SagaDefinition("timed", (Step("waiting", deadline=timedelta(seconds=30)),))
    assert begin(timed, "t-1", T0).deadline_at == T0 + timedelta(seconds=30)


def test_moving_arms_the_next_deadline_and_clears_failures():
    saga = begin(CHECKOUT, "o-1", T0)
    saga.attempts, saga.attention = 2, "old trouble"
    assert move(CHECKOUT, saga, "awaiting_payment", "stock reserved", LATER) is True
    assert (saga.step, saga.state, saga.updated_at) == ("awaiting_payment", SagaState.RUNNING, LATER)
    assert saga.deadline_at == LATER + timedelta(minutes=15)
    assert (saga.attempts, saga.attention) == (0, None)
    assert saga.moves[-1] == SagaMove(LATER, "reserving", "awaiting_payment", "stock reserved")


def test_staying_in_the_step_changes_nothing():
    saga = begin(CHECKOUT, "o-1", T0)
    saga.pull_moves()
    assert move(CHECKOUT, saga, "reserving", "duplicate reply", LATER) is False
    assert saga.moves == [] and saga.updated_at == T0


def test_an_end_step_ends_the_saga_and_may_still_move_on():
    saga = begin(CHECKOUT, "o-1", T0)
    move(CHECKOUT, saga, "awaiting_payment", "reserved", T0)
    move(CHECKOUT, saga, "paid", "captured", LATER)
    assert (saga.state, saga.deadline_at) == (SagaState.COMPLETED, None)
    move(CHECKOUT, saga, "cancelling", "buyer cancelled", LATER)
    assert saga.state is SagaState.RUNNING and saga.deadline_at == LATER + timedelta(minutes=1)
    move(CHECKOUT, saga, "cancelled", "stock released", LATER)
    assert saga.state is SagaState.COMPENSATED


def test_a_move_the_table_does_not_list_is_an_error_not_a_no_op():
    saga = begin(CHECKOUT, "o-1", T0)
    with pytest.raises(IllegalSagaMove):
        move(CHECKOUT, saga, "paid", "too early", LATER)
    assert saga.step == "reserving"


def test_a_saga_of_another_definition_is_refused():
    other = SagaDefinition("returns", (Step("reserving"),))
    with pytest.raises(ValueError, match="is a checkout saga, not returns"):
        move(other, begin(CHECKOUT, "o-1", T0), "reserving", "x", T0)


def test_a_failing_deadline_action_backs_off_then_parks_the_saga_with_the_reason():
    policy = FailurePolicy(max_attempts=4, first_backoff=timedelta(seconds=1), max_backoff=timedelta(seconds=3))
    saga = begin(CHECKOUT, "o-1", T0)
    move(CHECKOUT, saga, "awaiting_payment", "reserved", T0)
    retries = []
    for _ in range(3):
        failed(saga, "TimeoutError: psp slow", LATER, policy)
        retries.append(saga.deadline_at - LATER)
    assert retries == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=3)]  # doubling, capped
    assert saga.state is SagaState.RUNNING and saga.attempts == 3
    armed = saga.deadline_at
    failed(saga, "TimeoutError: psp down", LATER, policy)
    assert saga.state is SagaState.NEEDS_ATTENTION
    assert saga.attention == "awaiting_payment: failed 4 times, last: TimeoutError: psp down"
    assert saga.deadline_at == armed  # stays armed: resuming retries it at once


def test_resume_runs_the_parked_step_again_with_its_deadline_due_now():
    saga = begin(CHECKOUT, "o-1", T0)
    move(CHECKOUT, saga, "awaiting_payment", "reserved", T0)
    park(saga, "test.payment-captured dead-lettered: permanent: X: y", LATER)
    saga.attempts = 5
    saga.pull_moves()
    resumed_at = LATER + timedelta(hours=1)
    resume(CHECKOUT, saga, "staff:s-1", resumed_at)
    assert (saga.state, saga.attempts, saga.attention) == (SagaState.RUNNING, 0, None)
    assert saga.deadline_at == resumed_at
    assert saga.moves == [SagaMove(resumed_at, "awaiting_payment", "awaiting_payment", "resumed by staff:s-1")]


def test_only_a_parked_saga_can_be_resumed():
    saga = begin(CHECKOUT, "o-1", T0)
    with pytest.raises(ValueError, match="not needs_attention"):
        resume(CHECKOUT, saga, "staff:s-1", LATER)


def test_resuming_a_step_without_deadline_leaves_no_deadline():
    saga = begin(CHECKOUT, "o-1", T0)
    park(saga, "stuck", LATER)
    resume(CHECKOUT, saga, "staff:s-1", LATER)
    assert saga.state is SagaState.RUNNING and saga.deadline_at is None
