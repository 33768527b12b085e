"""Order integration fixtures: a migrated database of its own per test, and the service as
bootstrap builds it, driven over HTTP (its lifespan, which connects to Kafka, is not run: the
routes only need the database; what they publish stays in the outbox)."""

from dataclasses import dataclass

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

    def body(self, *lines: tuple, **fields) -> dict:
        """An order body; lines as (sku, merchant_id, quantity, unit price[, kind]), physical by default."""
        return {"currency": "CNY", "receiver": self.receiver, "shipping_amount": 0,
                "lines": [{"sku": ln[0], "merchant_id": ln[1], "quantity": ln[2], "unit_price_amount": ln[3],
                           "kind": ln[4] if len(ln) > 4 else "physical"} for ln in lines]} | fields

    async def place(self, body: dict, headers: dict[str, str], key: str | None = None) -> httpx.Response:
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
