"""The payment deadline passed (fired by the kit's saga scheduler): ask the payment service to
close the payment. The order is cancelled when PaymentClosed comes back, or paid if the provider
reports that the buyer paid after all."""

from datetime import datetime

from tradeflow_kit.sagas.instance import SagaInstance
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction


async def close_unpaid_order(tx: OrderTransaction, saga: SagaInstance, _now: datetime, c: Collaborators) -> None:
    await advance(tx, c, saga.id, "payment deadline", lambda order, now: order.payment_deadline_passed(now))
