"""SqlaOrderReports: staff reports read straight from the order tables (no aggregate loaded)."""

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_order.adapters.tables import order_lines, orders, sub_orders
from tradeflow_order.app.ports import ChannelGmv

_CHANNEL_PAID = (select(func.coalesce(func.sum(order_lines.c.channel_paid_amount), 0))
                 .join(sub_orders, sub_orders.c.id == order_lines.c.sub_order_id)
                 .where(sub_orders.c.order_id == orders.c.id).correlate(orders).scalar_subquery())
_IS_CHANNEL = orders.c.type == "channel"


class SqlaOrderReports:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def gmv_by_channel(self, since: datetime, until: datetime, currency: str | None) -> list[ChannelGmv]:
        gmv = func.sum(case((_IS_CHANNEL, _CHANNEL_PAID), else_=orders.c.paid_amount))
        query = (select(orders.c.channel, orders.c.currency, func.count().label("orders"), gmv.label("gmv"),
                        func.count().filter(_IS_CHANNEL).label("channel_orders"))
                 .where(orders.c.created_at >= since, orders.c.created_at < until,
                        orders.c.payment_status != "unpaid")
                 .group_by(orders.c.channel, orders.c.currency).order_by(orders.c.channel, orders.c.currency))
        if currency is not None:
            query = query.where(orders.c.currency == currency)
        return [ChannelGmv(row.channel, row.currency, row.orders, int(row.gmv), row.channel_orders)
                for row in (await self.session.execute(query)).all()]
