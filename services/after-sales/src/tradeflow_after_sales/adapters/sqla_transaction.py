"""The AfterSalesTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus the cases, the order facts, the catalog's SKUs and the kit's saga store."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_after_sales.adapters.sqla_cases import SqlaCaseRepository
from tradeflow_after_sales.adapters.sqla_catalog import SqlaCatalogRepository
from tradeflow_after_sales.adapters.sqla_order_facts import SqlaOrderFactsRepository
from tradeflow_after_sales.adapters.tables import saga_moves, sagas
from tradeflow_kit.sagas.sqla_store import SqlaSagaStore
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork


class SqlaAfterSalesTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.cases = SqlaCaseRepository(session)
        self.order_facts = SqlaOrderFactsRepository(session)
        self.catalog = SqlaCatalogRepository(session)
        self.sagas = SqlaSagaStore(session, sagas, saga_moves)
