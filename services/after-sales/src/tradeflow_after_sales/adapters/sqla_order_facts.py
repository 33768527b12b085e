"""`OrderFactsRepository` on SQLAlchemy Core: one row per order, the newest `OrderChanged` whole.
Keeping newer facts notifies `CHANNEL` with the order id (PostgreSQL NOTIFY, on commit), so a case
opened right after payment, before the facts came, waits for them instead of failing."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_after_sales.adapters.tables import order_facts
from tradeflow_contracts.order_facts import OrderChanged
from tradeflow_kit.notifications import notify
from tradeflow_kit.versioned import keep_newest

CHANNEL = "after_sales_order_facts"


class SqlaOrderFactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, facts: OrderChanged) -> bool:
        """One statement: insert, or replace only an older version (a concurrent writer waits)."""
        kept = await keep_newest(self.session, order_facts, "order_id", {
            "order_id": facts.order_id, "version": facts.version, "buyer_id": facts.buyer_id, "status": facts.status,
            "facts": facts.model_dump(mode="json"), "changed_at": facts.changed_at})
        if kept:
            await notify(self.session, CHANNEL, facts.order_id)
        return kept

    async def get(self, order_id: str, *, lock: bool = False) -> OrderChanged | None:
        query = select(order_facts.c.facts).where(order_facts.c.order_id == order_id)
        if lock:
            query = query.with_for_update()
        facts = (await self.session.execute(query)).scalar()
        return None if facts is None else OrderChanged.model_validate(facts)
