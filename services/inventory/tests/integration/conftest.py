"""Inventory integration fixtures: a migrated database of its own per test, sessions on it."""

from datetime import UTC, datetime

import pytest

from tradeflow_inventory.adapters.sqla_transaction import SqlaInventoryTransaction
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_testing.migrations import migrate_to_head


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 22, 10, tzinfo=UTC)


@pytest.fixture
async def database_url(fresh_database_url):
    await migrate_to_head("inventory", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url, pool_size=25)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def transactions(sessions) -> SqlaTransactions:
    return SqlaTransactions(sessions, Outbox(outbox, producer="inventory"), SqlaInventoryTransaction,
                            lambda: "corr-test")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()
