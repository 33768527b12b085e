"""Reading orders (who may see which is the HTTP edge's rule, API.md "Orders")."""

from datetime import datetime

from tradeflow_order.app.ports import ChannelGmv, OrderTransaction
from tradeflow_order.domain.order import Order


async def get_order(tx: OrderTransaction, order_id: str) -> Order:
    return await tx.orders.get(order_id)


async def list_orders(tx: OrderTransaction, *, buyer_id: str | None, merchant_id: str | None,
                      status: str | None, limit: int, before: tuple[datetime, str] | None) -> list[Order]:
    """Newest first, at most `limit`."""
    return await tx.orders.find(buyer_id=buyer_id, merchant_id=merchant_id, status=status, limit=limit,
                                before=before)


async def gmv_by_channel(tx: OrderTransaction, since: datetime, until: datetime,
                         currency: str | None = None) -> list[ChannelGmv]:
    """GMV by channel and currency of the orders created in [since, until) that were paid (a
    channel order: what its buyers paid the channel; the platform's own: their paid amount)."""
    return await tx.reports.gmv_by_channel(since, until, currency)
