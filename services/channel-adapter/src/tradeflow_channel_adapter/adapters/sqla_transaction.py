"""The ChannelAdapterTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus this service's repositories, built on `self.session`."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_channel_adapter.adapters.sqla_channels import (
    SqlaAccountRepository,
    SqlaCatalogRepository,
    SqlaChannelRepository,
    SqlaSkuMapRepository,
)
from tradeflow_channel_adapter.adapters.sqla_ledger import SqlaChannelOrderRepository, SqlaNewsRepository
from tradeflow_channel_adapter.adapters.sqla_sync import SqlaSyncRepository
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork


class SqlaChannelAdapterTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.channels = SqlaChannelRepository(session)
        self.sku_map = SqlaSkuMapRepository(session)
        self.catalog = SqlaCatalogRepository(session)
        self.accounts = SqlaAccountRepository(session)
        self.orders = SqlaChannelOrderRepository(session)
        self.news = SqlaNewsRepository(session)
        self.sync = SqlaSyncRepository(session)
