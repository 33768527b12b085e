"""Sub-orders whose pre-sale goods arrived, in PostgreSQL (`pre_sale_arrivals`), and the per-order
lock that serializes recording them with planning the order."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import pre_sale_arrivals


class SqlaPreSaleArrivals:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_order(self, order_id: str) -> None:
        """A transaction-level advisory lock; the next statements (READ COMMITTED) see what the
        transaction that held it committed."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                   {"key": f"fulfillment-order:{order_id}"})

    async def record(self, order_id: str, sub_order_id: str, arrived_at: datetime, at: datetime) -> bool:
        statement = (insert(pre_sale_arrivals).values(sub_order_id=sub_order_id, order_id=order_id,
                                                      arrived_at=arrived_at, recorded_at=at)
                     .on_conflict_do_nothing().returning(pre_sale_arrivals.c.sub_order_id))
        return (await self.session.execute(statement)).first() is not None

    async def arrived(self, sub_order_ids: Collection[str]) -> frozenset[str]:
        if not sub_order_ids:
            return frozenset()
        rows = await self.session.execute(select(pre_sale_arrivals.c.sub_order_id)
                                          .where(pre_sale_arrivals.c.sub_order_id.in_(list(sub_order_ids))))
        return frozenset(rows.scalars())
