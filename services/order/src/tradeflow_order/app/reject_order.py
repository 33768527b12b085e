"""Staff reject a risk-held order: it is cancelled and its stock released."""

from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.order import Order


async def reject_order(tx: OrderTransaction, c: Collaborators, order_id: str, actor: str, reason: str) -> Order:
    return await advance(tx, c, order_id, f"rejected by {actor}", lambda order, now: order.reject(actor, reason, now))
