"""The inventory's repositories on one SQLAlchemy session, and transactions for HTTP requests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_inventory.adapters.sqla_reservations import SqlaReservationRepository
from tradeflow_inventory.adapters.sqla_stock import SqlaStockRepository, SqlaWarehouseRepository


class SqlaInventoryStore:
    def __init__(self, session: AsyncSession) -> None:
        self.warehouses = SqlaWarehouseRepository(session)
        self.stock = SqlaStockRepository(session)
        self.reservations = SqlaReservationRepository(session)


class SqlaTransactions:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[SqlaInventoryStore]:
        async with self._sessions.begin() as session:
            yield SqlaInventoryStore(session)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
