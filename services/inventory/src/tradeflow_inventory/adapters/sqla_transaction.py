"""The InventoryTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus the inventory's repositories."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_inventory.adapters.sqla_movements import SqlaMovementRepository
from tradeflow_inventory.adapters.sqla_reservations import SqlaReservationRepository
from tradeflow_inventory.adapters.sqla_stock import SqlaStockRepository, SqlaWarehouseRepository
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork


class SqlaInventoryTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.warehouses = SqlaWarehouseRepository(session)
        self.stock = SqlaStockRepository(session)
        self.reservations = SqlaReservationRepository(session)
        self.movements = SqlaMovementRepository(session)
