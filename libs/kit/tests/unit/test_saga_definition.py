"""A saga's table of steps is checked when it is declared, and enforced on every move."""

from datetime import timedelta

import pytest

from tradeflow_kit.sagas.definition import IllegalSagaMove, SagaDefinition, SagaDefinitionError, SagaState, Step
from tradeflow_kit.sagas.scheduler import check_deadline_actions

from ..saga_fixtures import CHECKOUT, T0, PaymentCaptured, ReleaseStock, ReserveStock, StockReleased, StockReserved


@pytest.mark.parametrize(("steps", "complaint"), [
    ((), "has no steps"),
    ((Step("a"), Step("a")), "repeats a step name"),
    ((Step("a", next=("b",)),), "moves to unknown ['b']"),
    ((Step("a", ends=SagaState.RUNNING),), "cannot end as running"),
    ((Step("a", ends=SagaState.NEEDS_ATTENTION),), "cannot end as needs_attention"),
    ((Step("a", deadline=timedelta(0)),), "deadline that is not positive"),
    ((Step("a", deadline=timedelta(seconds=-1)),), "deadline that is not positive"),
])
def test_an_inconsistent_table_is_refused_when_declared(steps, complaint):
    with pytest.raises(SagaDefinitionError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        SagaDefinition("broken", steps)


def test_only_the_listed_next_steps_are_allowed_and_staying_is_not_a_move():
    CHECKOUT.check_move("reserving", "awaiting_payment")
    CHECKOUT.check_move("paid", "cancelling")  # an end step may still move on
    CHECKOUT.check_move("paid", "paid")
    with pytest.raises(IllegalSagaMove, match="cannot move from reserving to paid"):
        CHECKOUT.check_move("reserving", "paid")
    with pytest.raises(IllegalSagaMove, match="cannot move from cancelled to reserving"):
        CHECKOUT.check_move("cancelled", "reserving")
    with pytest.raises(IllegalSagaMove, match="no step 'shipping'"):
        CHECKOUT.check_move("shipping", "paid")


def test_state_deadline_and_awaited_replies_follow_the_table():
    now = T0
    assert CHECKOUT.first.name == "reserving"
    assert CHECKOUT.state_in("awaiting_payment") is SagaState.RUNNING
    assert CHECKOUT.state_in("paid") is SagaState.COMPLETED
    assert CHECKOUT.state_in("cancelled") is SagaState.COMPENSATED
    assert CHECKOUT.deadline_after("awaiting_payment", now) == now + timedelta(minutes=15)
    assert CHECKOUT.deadline_after("reserving", now) is None
    assert CHECKOUT.replies == {StockReserved, PaymentCaptured, StockReleased}
    assert CHECKOUT.awaited_in("awaiting_payment", PaymentCaptured)
    assert not CHECKOUT.awaited_in("reserving", PaymentCaptured)  # a late or early reply


def test_every_awaited_reply_needs_a_handler():
    CHECKOUT.check_handles([StockReserved, PaymentCaptured, StockReleased, ReserveStock])
    with pytest.raises(SagaDefinitionError, match=r"no handler for test\.stock-released"):
        CHECKOUT.check_handles([StockReserved, PaymentCaptured])


def test_every_step_with_a_deadline_needs_an_action_and_no_action_is_stray():
    async def act(tx, saga, now):
        return None

    check_deadline_actions(CHECKOUT, {"awaiting_payment": act, "cancelling": act})
    with pytest.raises(SagaDefinitionError, match="no deadline action for cancelling"):
        check_deadline_actions(CHECKOUT, {"awaiting_payment": act})
    with pytest.raises(SagaDefinitionError, match="steps without a deadline: paid"):
        check_deadline_actions(CHECKOUT, {"awaiting_payment": act, "cancelling": act, "paid": act})


def test_describe_is_the_table_as_json():
    described = CHECKOUT.describe()
    assert described["name"] == "checkout"
    assert [s["name"] for s in described["steps"]] == ["reserving", "awaiting_payment", "cancelling", "paid",
                                                       "cancelled"]
    assert described["steps"][0] == {
        "name": "reserving", "sends": ["test.reserve-stock"], "awaits": ["test.stock-reserved"],
        "next": ["awaiting_payment", "cancelling"], "compensation": [ReleaseStock.TYPE],
        "deadline_seconds": None, "ends": None, "doc": "stock is held for the order"}
    assert described["steps"][1]["deadline_seconds"] == 900.0
    assert described["steps"][3]["ends"] == "completed"
