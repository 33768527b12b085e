"""After-sales integration fixtures: a migrated database of its own per test and the service as
bootstrap builds it, driven over HTTP (its lifespan, which connects to Kafka, is not run), with a
clock the test moves. The participants' answers (order, fulfillment, inventory) are the contract
messages themselves, handled as the consumer would (`World.reply`: the message's use case in a
transaction of its own); what the service sends is read from its outbox; deadlines fire as the
kit's scheduler fires them.

`kafka_feed` delivers messages through the real broker instead: the service's handler table, one
consumer per topic as `runtime.consume` subscribes them (the kit's processor, inbox, retries and
dead-letter hook), on fresh topics standing in for order.events and after-sales.commands, in a
consumer group of the test's own (the stack's running after-sales never sees them)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import pytest
from sqlalchemy import select

from tradeflow_after_sales.adapters.sqla_transaction import SqlaAfterSalesTransaction
from tradeflow_after_sales.adapters.tables import inbox, outbox
from tradeflow_after_sales.app.dead_letters import park_case_on_dead_letter
from tradeflow_after_sales.app.deadlines import deadline_actions
from tradeflow_after_sales.app.handlers import USE_CASES, message_handlers
from tradeflow_after_sales.bootstrap import build_app
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_after_sales.settings import Settings
from tradeflow_contracts.channels import OpenChannelCase
from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.order_facts import OrderChanged, OrderLineFacts
from tradeflow_contracts.orders import Receiver, WarehouseQuantity
from tradeflow_kit.messaging.processor import RetryPolicy
from tradeflow_kit.sagas.scheduler import fire_due_deadlines
from tradeflow_testing.access import bearer
from tradeflow_testing.bus import consuming
from tradeflow_testing.migrations import migrate_to_head
from tradeflow_testing.polling import poll_within

BUYER, STAFF = bearer("buyer-1", "buyer"), bearer("staff-1", "staff")
RECEIVER = Receiver(name="Han Meimei", phone="13912345678", region="east", city="Hangzhou", address="2 West Lake Rd")


TEST_SETTINGS = {
    # The tests move their own clock: every duration is given here, whatever AFTER_SALES_* the
    # environment holds (make test's SHORT_DEADLINES are for the processes of the stack).
    "window_seconds": 7 * 86400, "window_seconds_by_type": "", "return_deadline_seconds": 7 * 86400,
    "review_overdue_seconds": 48 * 3600, "merchant_review": False, "reply_timeout_seconds": 600,
    "retry_max_attempts": 3, "retry_first_backoff_seconds": 1, "retry_max_backoff_seconds": 1800,
    "order_wait_seconds": 1.0, "order_settle_seconds": 0.2,
}


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


def line(line_id: str = "L1", *, quantity: int = 2, unit_price: int = 5000, paid: int | None = None,
         shipping: int = 0, points: int = 0, merchant: str = "m-1", kind: str = "physical",
         warehouse: str | None = "WH-1", **more) -> OrderLineFacts:
    return OrderLineFacts(
        line_id=line_id, sub_order_id=f"so-{merchant}", merchant_id=merchant, sku=f"SKU-{line_id}", kind=kind,
        quantity=quantity, unit_price_amount=unit_price,
        paid_amount=quantity * unit_price + shipping if paid is None else paid, shipping_amount=shipping,
        points_amount=points, warehouses=[WarehouseQuantity(code=warehouse, quantity=quantity)] if warehouse else [],
        **more)


@dataclass
class World:
    http: httpx.AsyncClient
    app: object
    clock: Clock
    _keys: count = field(default_factory=lambda: count(1))
    _versions: count = field(default_factory=lambda: count(1))

    line = staticmethod(line)  # the tests' OrderLineFacts builder (conftest is not importable)

    @property
    def c(self):
        return self.app.state.api.collaborators

    @property
    def transactions(self):
        return self.app.state.api.transactions

    def facts(self, *lines: OrderLineFacts, order_id: str = "O-1", status: str = "shipped", type: str = "normal",
              **more) -> OrderChanged:
        """The order's facts as the order service tells them (a new version each time)."""
        return OrderChanged(order_id=order_id, version=next(self._versions), buyer_id="buyer-1", type=type,
                            channel=more.pop("channel", "app"), currency="CNY", status=status, receiver=RECEIVER,
                            lines=list(lines or (line(),)), changed_at=self.clock.now(), **more)

    async def order(self, *lines: OrderLineFacts, **facts) -> OrderChanged:
        """The order service tells after-sales about the order (a new version each time)."""
        told = self.facts(*lines, **facts)
        await self.reply(told)
        return told

    async def reply(self, message) -> None:
        async with self.transactions.begin() as tx:
            await USE_CASES[type(message)](tx, message, self.c)

    async def open(self, type: str = "return_and_refund", *lines: tuple[str, int], headers: dict = BUYER,
                   key: str | None = None, order_id: str = "O-1", **body) -> httpx.Response:
        body = {"order_id": order_id, "type": type, "reason": "arrived broken",
                "lines": [{"line_id": i, "quantity": q} for i, q in lines or (("L1", 1),)]} | body
        return await self.http.post("/after-sales", json=body,
                                    headers=headers | {"Idempotency-Key": key or f"k-{next(self._keys)}"})

    async def opened(self, type: str = "return_and_refund", *lines: tuple[str, int], **body) -> dict:
        r = await self.open(type, *lines, **body)
        assert r.status_code == 201, r.text
        return r.json()

    async def act(self, case_id: str, action: str, body: dict | None = None, headers: dict = STAFF,
                  expect: int = 200) -> dict:
        r = await self.http.post(f"/after-sales/{case_id}/{action}", json=body or {}, headers=headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def case(self, case_id: str) -> dict:
        r = await self.http.get(f"/after-sales/{case_id}", headers=STAFF)
        assert r.status_code == 200, r.text
        return r.json()

    async def sent(self, type_name: str | None = None) -> list[Envelope]:
        """What the service published (its outbox), oldest first; of one type if named."""
        async with self.transactions.read() as tx:
            rows = (await tx.session.execute(select(outbox.c.value).order_by(outbox.c.id))).scalars().all()
        envelopes = [Envelope.from_bytes(v) for v in rows]
        return [e for e in envelopes if type_name is None or e.type == type_name]

    async def statuses(self, case_id: str) -> list[str]:
        return [e.payload["to_status"] for e in await self.sent("after-sales.case-status-changed")
                if e.payload["case_id"] == case_id]

    async def fire_deadlines(self) -> int:
        return await fire_due_deadlines(self.transactions, self.c.saga, deadline_actions(self.c), self.clock.now)


async def _world(database_url: str, **settings):
    clock = Clock()
    app = build_app(Settings(database_url=database_url, **TEST_SETTINGS | settings), clock=clock)
    app.state.runtime.listener.start()  # POST /after-sales waits on it for an order's facts
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://after-sales") as http:
            yield World(http, app, clock)
    finally:
        await app.state.runtime.listener.stop()
        await app.state.runtime.stop()


@pytest.fixture
async def after_sales_database_url(fresh_database_url):
    await migrate_to_head("after-sales", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def world(after_sales_database_url):
    async for w in _world(after_sales_database_url):
        yield w


@pytest.fixture
async def merchant_world(after_sales_database_url):
    """The service with AFTER_SALES_MERCHANT_REVIEW on."""
    async for w in _world(after_sales_database_url, merchant_review=True):
        yield w


@pytest.fixture
async def patient_world(after_sales_database_url):
    """The service with AFTER_SALES_ORDER_WAIT_SECONDS and AFTER_SALES_ORDER_SETTLE_SECONDS = 30."""
    async for w in _world(after_sales_database_url, order_wait_seconds=30, order_settle_seconds=30):
        yield w


@pytest.fixture
async def kafka_feed(world, infra, new_topic):
    """`world`'s handler table consuming order.events and after-sales.commands stand-ins on the real
    broker (`tradeflow_testing.bus`); a failure worth retrying is retried with backoff as the kit does
    (12 attempts here, ~5 s), and a dead-lettered command parks its case as the service's does."""
    handlers = message_handlers(SqlaAfterSalesTransaction.for_message, world.c)
    topics = {topic: await new_topic(partitions=1) for topic in (OrderChanged.TOPIC, OpenChannelCase.TOPIC)}
    async with consuming(world.app.state.runtime, infra.kafka_bootstrap, handlers, topics, inbox=inbox,
                         domain_errors=(AfterSalesError,), name="after-sales", retry=RetryPolicy(12, 0.1, 0.5),
                         on_dead_letter=park_case_on_dead_letter(world.transactions, world.c)) as feed:
        yield feed
        await poll_within(feed.committed_all, bool, 10)  # no commit in flight when the stand-ins are deleted
