"""Order integration fixtures: a migrated database of its own per test, and the service as
bootstrap builds it, driven over HTTP (its lifespan, which connects to Kafka, is not run: the
routes only need the database; what they publish stays in the outbox)."""

import asyncio
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI

from tradeflow_order.bootstrap import build_app
from tradeflow_order.settings import Settings
from tradeflow_testing.access import bearer
from tradeflow_testing.migrations import migrate_to_head

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
