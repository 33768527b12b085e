"""The service's shape, wired: its domain errors are permanent, the routes get their transactions,
and a transaction's messages reach the outbox only if it commits."""

import pytest
from sqlalchemy import select

from tradeflow_after_sales.adapters.sqla_transaction import SqlaAfterSalesTransaction
from tradeflow_after_sales.adapters.tables import outbox
from tradeflow_after_sales.api.wiring import AfterSalesApi
from tradeflow_after_sales.bootstrap import build_app
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_after_sales.settings import Settings
from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.inventory import StockReleased
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_testing.migrations import migrate_to_head

MESSAGE = StockReleased(order_id="o-1", sub_order_id="s-1", released_quantity=0)


@pytest.fixture
async def sessions(fresh_database_url):
    await migrate_to_head("after-sales", fresh_database_url)
    engine = create_engine(fresh_database_url)
    yield session_factory(engine)
    await engine.dispose()


async def outbox_rows(sessions) -> list[tuple[str, str]]:
    async with sessions() as s:
        rows = await s.execute(select(outbox.c.key, outbox.c.value).order_by(outbox.c.id))
        return [(key, Envelope.from_bytes(value).correlation_id) for key, value in rows]


async def test_the_app_dead_letters_its_domain_errors_at_once_and_gives_routes_transactions():
    app = build_app(Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    try:
        assert app.state.runtime.domain_errors == (AfterSalesError,)
        assert isinstance(app.state.api, AfterSalesApi) and isinstance(app.state.api.transactions, SqlaTransactions)
    finally:
        await app.state.runtime.stop()


async def test_a_transaction_publishes_through_the_outbox_only_when_it_commits(sessions):
    transactions = SqlaTransactions(sessions, Outbox(outbox, producer="after-sales"), SqlaAfterSalesTransaction,
                                    lambda: "corr-1")
    async with transactions.begin() as tx:
        await tx.publish(MESSAGE, key="o-1")
    with pytest.raises(RuntimeError):
        async with transactions.begin() as tx:
            await tx.publish(MESSAGE, key="o-2")
            raise RuntimeError("the use case failed")
    assert await outbox_rows(sessions) == [("o-1", "corr-1")]
