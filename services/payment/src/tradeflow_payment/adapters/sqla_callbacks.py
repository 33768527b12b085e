"""The provider events already handled, so a redelivered callback has no second effect."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_payment.adapters.tables import psp_callbacks


class SqlaProviderCallbackLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_time(self, event_id: str, type_: str, psp_reference: str) -> bool:
        """A concurrent duplicate waits on the first one's row lock, then sees the conflict."""
        statement = (insert(psp_callbacks).values(event_id=event_id, type=type_, psp_reference=psp_reference)
                     .on_conflict_do_nothing().returning(psp_callbacks.c.event_id))
        return (await self.session.execute(statement)).first() is not None
