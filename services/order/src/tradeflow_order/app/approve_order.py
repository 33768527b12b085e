"""Staff release a risk-held order to payment; its payment deadline counts from the approval."""

from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.states import OrderStep


async def approve_order(tx: OrderTransaction, c: Collaborators, order_id: str, actor: str,
                        reason: str | None) -> Order:
    return await advance(tx, c, order_id, f"approved by {actor}", lambda order, now: order.approve(
        actor, reason, c.saga.deadline_after(OrderStep.AWAITING_PAYMENT, now), now))
