"""Cancel an order before shipment, compensating every step taken so far: stock released, an
open payment closed, a paid order refunded in full. A buyer (`buyer_id` given) cancels only their
own orders; staff (no `buyer_id`) any order."""

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
        order.cancel(reason, actor, now)

    return await advance(tx, c, order_id, f"cancelled by {actor}", cancel)
