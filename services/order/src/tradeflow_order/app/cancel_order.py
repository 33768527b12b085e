"""The buyer or staff cancel an order. Before payment it is cancelled at once, compensating every
step taken so far: stock released, an open payment closed. Once paid and handed over, fulfillment
decides what can still be stopped: the order asks it (StopFulfillment) and waits in `cancelling`
(record_fulfillment.record_fulfillment_stopped follows the answer). A buyer (`buyer_id` given)
cancels only their own orders; staff (no `buyer_id`) any order."""

from datetime import datetime

from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.errors import NotYourOrder
from tradeflow_order.domain.order import Order


async def cancel_order(tx: OrderTransaction, c: Collaborators, order_id: str, actor: str, reason: str,
                       buyer_id: str | None = None) -> Order:
    def cancel(order: Order, now: datetime) -> None:
        if buyer_id is not None and order.buyer_id != buyer_id:
            raise NotYourOrder("this order belongs to someone else")
        order.cancel_as_asked(reason, actor, now)

    return await advance(tx, c, order_id, f"cancelled by {actor}", cancel)
