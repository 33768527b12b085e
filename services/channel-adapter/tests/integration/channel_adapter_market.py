"""The marketplace simulator (libs/simulators, `tradeflow_simulators.market`) served by uvicorn on a
real local port inside the test's event loop: the channel the adapter's real HTTP client calls —
shop `shopa` (shape A) takes sync-back calls at `/shopa/api/logistics`, shop `shopb` (shape B)
serves its signed feed at `/shopb/api/orders` — and its control API (`/sim/market/...`) places
orders, fails the next sync-back calls and shows the calls it accepted."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from tradeflow_simulators.market import MarketSimSettings, create_app
from tradeflow_simulators.serving import serving

SHOP_A, SHOP_B = "shopa", "shopb"
SHOP_A_SECRET, SHOP_B_SECRET = "shop-a-secret-for-tests", "shop-b-secret-for-tests"


@dataclass
class Market:
    url: str
    control: httpx.AsyncClient

    def base_url(self, shop: str) -> str:
        """The shop's `api_base_url` for the channel adapter."""
        return f"{self.url}/{shop}"

    async def order(self, shop: str, external_order_id: str, *lines: tuple[str, int, int], member: str = "m-1",
                    phone: str | None = "13900139000", receiver: dict | None = None) -> dict[str, Any]:
        """A buyer paid an order in the shop (lines: channel SKU, quantity, unit price in minor units)."""
        body = {"external_order_id": external_order_id, "member_id": member, "phone": phone, "receiver": receiver,
                "lines": [{"channel_sku": sku, "quantity": qty, "unit_price_amount": price,
                           "paid_amount": qty * price} for sku, qty, price in lines]}
        r = await self.control.post(f"/sim/market/{shop}/orders", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    async def fail_syncs(self, shop: str, count: int) -> None:
        r = await self.control.post(f"/sim/market/{shop}/sync-failures", json={"count": count})
        assert r.status_code == 200, r.text

    async def synced(self, shop: str) -> list[dict[str, Any]]:
        """The sync-back calls the shop accepted, in arrival order."""
        r = await self.control.get(f"/sim/market/{shop}/synced")
        assert r.status_code == 200, r.text
        return r.json()["items"]


@asynccontextmanager
async def market_simulator() -> AsyncIterator[Market]:
    settings = MarketSimSettings(push_code=SHOP_A, push_secret=SecretStr(SHOP_A_SECRET), pull_code=SHOP_B,
                                 pull_secret=SecretStr(SHOP_B_SECRET), signature_tolerance_seconds=300,
                                 callback_url="http://127.0.0.1:9/channels/{code}/webhooks")
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url, timeout=10) as control:
        yield Market(url, control)
