"""The buyer confirms they received the order (every parcel signed for): it is completed."""

from datetime import datetime

from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.errors import NotYourOrder
from tradeflow_order.domain.order import Order


async def confirm_receipt(tx: OrderTransaction, c: Collaborators, order_id: str, actor: str,
                          buyer_id: str | None = None) -> Order:
    def confirm(order: Order, now: datetime) -> None:
        if buyer_id is not None and order.buyer_id != buyer_id:
            raise NotYourOrder("this order belongs to someone else")
        order.confirm_receipt(actor, now)

    return await advance(tx, c, order_id, f"receipt confirmed by {actor}", confirm)
