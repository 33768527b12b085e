"""Fulfillment integration fixtures: a migrated database of its own per test, the consumer as the
kit runs it (MessageProcessor fed records directly, inbox and outbox on the real database), and
the service's HTTP app (its lifespan, which connects to Kafka, is not run)."""

import json
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.orders import EVENTS, OrderPaid
from tradeflow_contracts.registry import payload_of
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox, outbox
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.ports import Collaborators
from tradeflow_fulfillment.bootstrap import build_app, planning_rules
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.settings import Settings
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.system import UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_testing.migrations import migrate_to_head

SETTINGS = {"carrier_rules": "WH-1:east=SF;*:*=YTO", "merge_window_seconds": 600}
RECEIVER = {"name": "Han Meimei", "phone": "13912345678", "region": "east", "city": "Hangzhou",
            "address": "2 West Lake Rd"}


class FixedClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class RecordingDeadLetters:
    def __init__(self) -> None:
        self.errors: list[str] = []

    async def publish(self, record, group, error, kind, *_times, **_kw) -> None:
        self.errors.append(f"{kind}: {error}")


def goods(line_id: str, quantity: int = 1, warehouses=(("WH-1", None),), **fields) -> dict:
    """A physical line (all its units in the one warehouse named, or as [(code, units), …])."""
    shares = [{"code": code, "quantity": units or quantity} for code, units in warehouses]
    return {"line_id": line_id, "sku": f"SKU-{line_id}", "quantity": quantity, "kind": "physical",
            "paid_amount": 1000 * quantity, "warehouses": shares} | fields


def course(line_id: str) -> dict:
    return {"line_id": line_id, "sku": "COURSE-1", "quantity": 1, "kind": "virtual", "paid_amount": 9900}


def order_paid(order_id: str, *subs: tuple[str, list[dict]], buyer_id: str = "buyer-1", **receiver) -> OrderPaid:
    """order.paid for sub-orders given as (merchant_id, lines); sub-order ids `<order>-<merchant>`."""
    return OrderPaid(order_id=order_id, buyer_id=buyer_id, currency="CNY", receiver=RECEIVER | receiver, sub_orders=[
        {"sub_order_id": f"{order_id}-{merchant}", "merchant_id": merchant, "paid_amount": 0, "lines": lines}
        for merchant, lines in subs])


def record(message: OrderPaid, offset: int = 0) -> ConsumedRecord:
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="order",
                            correlation_id=message.order_id)
    return ConsumedRecord(EVENTS, 0, offset, message.order_id.encode(), envelope.to_bytes(),
                          tuple(envelope.headers()), 0)


@pytest.fixture
async def database_url(fresh_database_url):
    await migrate_to_head("fulfillment", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url, pool_size=5)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def collaborators(clock) -> Collaborators:
    return Collaborators(clock, UuidIdGenerator(), planning_rules(Settings(**SETTINGS)))


@pytest.fixture
def transactions(sessions) -> SqlaTransactions:
    return SqlaTransactions(sessions, Outbox(outbox, producer="fulfillment"), SqlaFulfillmentTransaction,
                            lambda: None)


@pytest.fixture
def dead_letters() -> RecordingDeadLetters:
    return RecordingDeadLetters()


@pytest.fixture
def processor(sessions, collaborators, dead_letters) -> MessageProcessor:
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message, collaborators)[EVENTS]
    return MessageProcessor(group="tradeflow-fulfillment", handlers=handlers, sessions=sessions, inbox=inbox,
                            outbox=Outbox(outbox, producer="fulfillment"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(FulfillmentError,))


@pytest.fixture
async def client(database_url, clock):
    app = build_app(Settings(database_url=database_url, **SETTINGS), clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fulfillment") as http:
        yield http
    await app.state.runtime.stop()


async def published(sessions) -> list[tuple[str, str, str, dict]]:
    """(topic, key, type, payload) of every outbox message, in order."""
    async with sessions() as s:
        rows = await s.execute(select(outbox).order_by(outbox.c.id))
        return [(r.topic, r.key, r.type, json.loads(r.value)["payload"]) for r in rows]


async def count(sessions, table) -> int:
    async with sessions() as s:
        return (await s.execute(select(func.count()).select_from(table))).scalar_one()
