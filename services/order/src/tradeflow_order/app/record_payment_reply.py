"""The payment service's answers, each one step of the order saga.

Succeeded pays the order (or, after a cancellation, is refunded — never kept); failed is
recorded (the buyer may try again until the deadline); closed cancels an order whose deadline
passed; refunded and refund-failed are recorded for the buyer and for staff (a refund the order
asked for is attributed to its lines as asked, by its refund id).
"""

from tradeflow_contracts.payments import PaymentClosed, PaymentFailed, PaymentRefunded, PaymentSucceeded, RefundFailed
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction


async def record_payment_succeeded(tx: OrderTransaction, message: PaymentSucceeded, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.pay(now))


async def record_payment_failed(tx: OrderTransaction, message: PaymentFailed, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.payment_failed(message.reason, now))


async def record_payment_closed(tx: OrderTransaction, message: PaymentClosed, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.payment_closed(message.reason, now))


async def record_refunded(tx: OrderTransaction, message: PaymentRefunded, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE,
                  lambda order, now: order.refunded(message.refunded_total, now, message.refund_id, message.amount))


async def record_refund_failed(tx: OrderTransaction, message: RefundFailed, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE,
                  lambda order, now: order.refund_failed(message.reason, now, message.refund_id))
