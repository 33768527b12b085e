"""Order integration fixtures: a migrated database of its own per test, and the service as
bootstrap builds it, driven over HTTP (its lifespan, which connects to Kafka, is not run: the
routes only need the database; what they publish stays in the outbox). Other services' messages
are delivered to its use cases (`deliver`) or through the kit's MessageProcessor as the service
consumes them (`consumer`: inbox, handler table, outbox; a dead letter fails the test)."""

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.inventory import StockReserved
from tradeflow_contracts.payments import PaymentSucceeded
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_order.adapters.sqla_transaction import SqlaOrderTransaction
from tradeflow_order.adapters.tables import inbox, outbox
from tradeflow_order.app.handlers import USE_CASES, reply_handlers
from tradeflow_order.bootstrap import build_app
from tradeflow_order.domain.errors import OrderError
from tradeflow_order.settings import Settings
from tradeflow_testing.access import bearer
from tradeflow_testing.migrations import migrate_to_head

T0 = datetime(2026, 12, 6, 9, tzinfo=UTC)

RECEIVER = {"name": "Han Meimei", "phone": "13912345678", "region": "east", "city": "Hangzhou",
            "address": "2 West Lake Rd"}


@dataclass
class OrderClient:
    http: httpx.AsyncClient
    app: FastAPI
    receiver: dict
    _keys: int = 0
    _catalog: dict[str, dict] = field(default_factory=dict)  # SKUs to put in the catalog before placing
    _putting: asyncio.Lock = field(default_factory=asyncio.Lock)  # concurrent placers wait for the puts

    def body(self, *lines: tuple, **fields) -> dict:
        """A buyer's order body; lines as (sku, merchant_id, quantity, unit price[, kind]), physical by
        default: `place` first puts each SKU in the catalog (as staff) at that price, for that merchant,
        and the line shows the price the page showed."""
        for ln in lines:
            self._catalog[ln[0]] = {"merchant_id": ln[1], "title": ln[0], "unit_price_amount": ln[3], "currency": "CNY",
                                    "kind": ln[4] if len(ln) > 4 else "physical"}
        return {"currency": "CNY", "receiver": self.receiver,
                "lines": [{"sku": ln[0], "quantity": ln[2], "unit_price_amount": ln[3]} for ln in lines]} | fields

    async def put_sku(self, sku: str, **entry) -> dict:
        response = await self.http.put(f"/catalog/skus/{sku}", json=entry, headers=bearer("staff-1", "staff"))
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def place(self, body: dict, headers: dict[str, str], key: str | None = None) -> httpx.Response:
        async with self._putting:
            while self._catalog:
                sku, entry = self._catalog.popitem()
                await self.put_sku(sku, **entry)
        self._keys += 1
        key = key or f"k-{self._keys}"
        return await self.http.post("/orders", json=body, headers=headers | {"Idempotency-Key": key})

    async def placed(self, buyer: str, *lines: tuple, **fields) -> dict:
        """A new order of `buyer` (201 asserted), as the buyer sees it."""
        response = await self.place(self.body(*lines, **fields), bearer(buyer, "buyer"))
        assert response.status_code == 201, response.text
        return response.json()

    async def paid(self, buyer: str, *lines: tuple, **fields) -> dict:
        """A new order of `buyer`, every sub-order reserved in WH-1, and paid (as placed)."""
        order = await self.placed(buyer, *lines, **fields)
        await self.deliver(*[StockReserved(order_id=order["id"], sub_order_id=s["id"], reserved_at=T0, allocations=[
            {"line_id": ln["id"], "sku": ln["sku"], "warehouse": "WH-1", "quantity": ln["quantity"]}
            for ln in s["lines"]]) for s in order["sub_orders"]])
        await self.deliver(PaymentSucceeded(order_id=order["id"], payment_id="p1", amount=order["paid_amount"],
                                            currency="CNY", psp_reference="psp-1", paid_at=T0))
        return order

    async def deliver(self, *messages: Contract) -> None:
        """Each message to its use case, in a transaction of its own."""
        api = self.app.state.api
        for message in messages:
            async with api.transactions.begin() as tx:
                await USE_CASES[type(message)](tx, message, api.collaborators)

    async def published(self, type_: str) -> list[tuple[str, dict]]:
        """(key, payload) of each outbox message of this type, in order."""
        async with self.app.state.runtime.sessions() as s:
            rows = (await s.execute(select(outbox).where(outbox.c.type == type_).order_by(outbox.c.id))).all()
        return [(row.key, json.loads(row.value)["payload"]) for row in rows]


class NoDeadLetters:
    async def publish(self, record, group, error, kind, *_times, **_kw) -> None:
        raise AssertionError(f"dead-lettered: {kind}: {error!r}")


@dataclass
class Consumer:
    """The service's MessageProcessor (group tradeflow-order), every handler it consumes with."""

    processor: MessageProcessor
    _offsets: itertools.count = field(default_factory=itertools.count)

    async def take(self, message: Contract) -> Outcome:
        """The message as a record of its topic, keyed by its order — or a channel's order by the
        channel adapter's id — as its producer sends it."""
        key = getattr(message, "order_id", None) or message.channel_order_id
        envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="test",
                                correlation_id=key)
        return await self.processor.process(ConsumedRecord(
            message.TOPIC, 0, next(self._offsets), key.encode(), envelope.to_bytes(), tuple(envelope.headers()), 0))


@pytest.fixture
def consumer(orders) -> Consumer:
    api, runtime = orders.app.state.api, orders.app.state.runtime
    handlers = {c: h for topic in reply_handlers(SqlaOrderTransaction.for_message, api.collaborators).values()
                for c, h in topic.items()}
    return Consumer(MessageProcessor(group="tradeflow-order", handlers=handlers, sessions=runtime.sessions,
                                     inbox=inbox, outbox=Outbox(outbox, producer="order"),
                                     dead_letters=NoDeadLetters(), retry=RetryPolicy(max_attempts=1),
                                     domain_errors=(OrderError,)))


async def _order_service(database_url: str, **settings):
    app = build_app(Settings(database_url=database_url, **settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://order") as http:
            yield OrderClient(http, app, RECEIVER)
    finally:
        await app.state.runtime.stop()


@pytest.fixture
async def order_database_url(fresh_database_url):
    await migrate_to_head("order", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def orders(order_database_url):
    """An HTTP client on the order service with its default settings."""
    async for client in _order_service(order_database_url):
        yield client


@pytest.fixture
async def capped_orders(order_database_url):
    """The order service with ORDER_MAX_UNPAID_UNITS_PER_SKU = 10."""
    async for client in _order_service(order_database_url, max_unpaid_units_per_sku=10):
        yield client
