"""Inventory integration fixtures: a migrated database of its own per test, sessions on it, and
the command handlers as the Kafka consumer runs them (the kit's MessageProcessor)."""

from datetime import UTC, datetime

import httpx
import pytest

from tradeflow_inventory.adapters.sqla_transaction import SqlaInventoryTransaction
from tradeflow_inventory.adapters.tables import inbox, outbox
from tradeflow_inventory.app.handlers import command_handlers
from tradeflow_inventory.bootstrap import build_app
from tradeflow_inventory.domain.errors import InventoryError
from tradeflow_inventory.settings import Settings
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, RetryPolicy
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


class RecordingDeadLetters:
    """The dead-letter topic, as the processor writes to it: (kind, error class, reason) per letter."""

    def __init__(self) -> None:
        self.letters: list[tuple[str, str, str]] = []

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.letters]

    async def publish(self, record, group, error, kind, *_times, **_kw) -> None:
        self.letters.append((kind, type(error).__name__, str(error)))


@pytest.fixture
def dead_letters() -> RecordingDeadLetters:
    return RecordingDeadLetters()


@pytest.fixture
def processor(sessions, clock, dead_letters) -> MessageProcessor:
    handlers = command_handlers(SqlaInventoryTransaction.for_message, clock)
    return MessageProcessor(group="tradeflow-inventory", handlers=handlers, sessions=sessions, inbox=inbox,
                            outbox=Outbox(outbox, producer="inventory"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(InventoryError,))


@pytest.fixture
async def app(database_url):
    """The inventory service as bootstrap builds it, on this test's database (its lifespan, which
    connects to Kafka, is not run)."""
    app = build_app(Settings(database_url=database_url))
    yield app
    await app.state.runtime.stop()


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://inventory") as client:
        yield client
