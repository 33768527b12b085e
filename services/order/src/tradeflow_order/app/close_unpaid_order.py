"""Deadlines of the order saga, fired by the kit's saga scheduler.

The payment deadline passed: ask the payment service to close the payment. The order is
cancelled when PaymentClosed comes back, or paid if the provider reports that the buyer paid
after all. The review deadline passed (a held order nobody approved or rejected): cancel it and
release its stock."""

from datetime import datetime

from tradeflow_kit.sagas.instance import SagaInstance
from tradeflow_kit.sagas.scheduler import DeadlineAction
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.states import OrderStep


async def close_unpaid_order(tx: OrderTransaction, saga: SagaInstance, _now: datetime, c: Collaborators) -> None:
    await advance(tx, c, saga.id, "payment deadline", lambda order, now: order.payment_deadline_passed(now))


async def expire_review(tx: OrderTransaction, saga: SagaInstance, _now: datetime, c: Collaborators) -> None:
    await advance(tx, c, saga.id, "review deadline", lambda order, now: order.review_deadline_passed(now))


def deadline_actions(c: Collaborators) -> dict[str, DeadlineAction]:
    """What the saga scheduler runs when a step's deadline passes."""
    return {OrderStep.AWAITING_PAYMENT: lambda tx, saga, now: close_unpaid_order(tx, saga, now, c),
            OrderStep.HELD: lambda tx, saga, now: expire_review(tx, saga, now, c)}
