"""The OrderTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus the orders, the kit's saga store, the price book and the
staff reports."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.sagas.sqla_store import SqlaSagaStore
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork
from tradeflow_order.adapters.sqla_catalog import SqlaCatalogRepository
from tradeflow_order.adapters.sqla_orders import SqlaOrderRepository
from tradeflow_order.adapters.sqla_reports import SqlaOrderReports
from tradeflow_order.adapters.tables import saga_moves, sagas


class SqlaOrderTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.orders = SqlaOrderRepository(session)
        self.sagas = SqlaSagaStore(session, sagas, saga_moves)
        self.catalog = SqlaCatalogRepository(session)
        self.reports = SqlaOrderReports(session)
