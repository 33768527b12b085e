"""Replies from inventory and payment, each one step of the order saga."""

from tradeflow_contracts import inventory, payments
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.processor import Handler, MessageContext
from tradeflow_order.app.saga import OrderSaga


def saga_handlers(saga: OrderSaga) -> dict[str, dict[type[Contract], Handler]]:
    """Handlers by topic, for `runtime.consume`."""

    def step(action):
        async def handle(message, ctx: MessageContext) -> None:
            await saga.step(ctx.session, message.order_id, lambda msg, key: ctx.publish(msg, key=key),
                            lambda order, now: action(order, message, now))
        return handle

    return {
        inventory.EVENTS: {
            inventory.StockReserved: step(lambda o, m, now: o.stock_reserved(
                m.sub_order_id, {a.line_id: a.warehouse for a in m.allocations}, now)),
            inventory.StockReservationRejected: step(lambda o, m, now: o.stock_rejected(
                m.sub_order_id, ", ".join(f"{s.sku} ({s.available} of {s.requested})" for s in m.shortages)
                or m.reason, now)),
        },
        payments.EVENTS: {
            payments.PaymentSucceeded: step(lambda o, m, now: o.pay(now)),
            payments.PaymentFailed: step(lambda o, m, now: o.payment_failed(m.reason, now)),
            payments.PaymentClosed: step(lambda o, m, now: o.payment_closed(m.reason, now)),
            payments.PaymentRefunded: step(lambda o, m, now: o.refunded(m.refunded_total, now)),
            payments.RefundFailed: step(lambda o, m, now: o.refund_failed(m.reason, now)),
        },
    }
