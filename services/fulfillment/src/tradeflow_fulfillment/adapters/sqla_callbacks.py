"""The warehouse's and the carrier's events already seen, so a redelivered callback has no second effect."""

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import provider_callbacks


class SqlaProviderCallbacks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_time(self, source: str, event_id: str, *, type_: str, reference: str, shipment_id: str,
                         at: datetime) -> bool:
        """A concurrent duplicate waits on the first one's row, then sees the conflict."""
        statement = (insert(provider_callbacks)
                     .values(source=source, event_id=event_id, type=type_, reference=reference,
                             shipment_id=shipment_id, received_at=at)
                     .on_conflict_do_nothing().returning(provider_callbacks.c.event_id))
        return (await self.session.execute(statement)).first() is not None
