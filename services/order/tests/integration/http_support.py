"""Driving the order service over HTTP in tests: tokens, order bodies, the app as bootstrap
builds it (its lifespan, which connects to Kafka, is not run: the routes only need the
database; what they publish stays in the outbox)."""

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_order.bootstrap import build_app
from tradeflow_order.settings import Settings

PROBLEMS = "https://tradeflow.example/problems/"
RECEIVER = {"name": "Han Meimei", "phone": "13912345678", "region": "east", "city": "Hangzhou",
            "address": "2 West Lake Rd"}
_tokens = TokenCodec(DEV_JWT_SECRET)


def bearer(sub: str, *roles: str, **claims) -> dict[str, str]:
    return {"Authorization": f"Bearer {_tokens.mint(sub, roles, **claims)}"}


def order_body(*lines: tuple, **fields) -> dict:
    """Lines as (sku, merchant_id, quantity, unit price[, kind]); physical unless a kind is given."""
    return {"currency": "CNY", "receiver": RECEIVER, "shipping_amount": 0,
            "lines": [{"sku": ln[0], "merchant_id": ln[1], "quantity": ln[2], "unit_price_amount": ln[3],
                       "kind": ln[4] if len(ln) > 4 else "physical"} for ln in lines]} | fields


@dataclass
class OrderClient:
    http: httpx.AsyncClient
    app: FastAPI
    _keys: int = 0

    async def place(self, body: dict, headers: dict[str, str], key: str | None = None) -> httpx.Response:
        self._keys += 1
        return await self.http.post("/orders", json=body, headers=headers | {"Idempotency-Key": key or
                                                                            f"k-{self._keys}"})

    async def placed(self, buyer: str, *lines: tuple, **fields) -> dict:
        response = await self.place(order_body(*lines, **fields), bearer(buyer, "buyer"))
        assert response.status_code == 201, response.text
        return response.json()


async def order_service(database_url: str, **settings):
    app = build_app(Settings(database_url=database_url, **settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://order") as http:
            yield OrderClient(http, app)
    finally:
        await app.state.runtime.stop()


# Every kind of caller of the role × owner matrix. The order under test belongs to buyer-1 and
# holds a sub-order of merchant m-1; the impostors carry buyer-1 as `sub` in another role.
CALLERS: dict[str, dict[str, str]] = {
    "buyer (owner)": bearer("buyer-1", "buyer"),
    "buyer (other)": bearer("buyer-2", "buyer"),
    "merchant (in the order)": bearer("m1-user", "merchant", merchant_id="m-1"),
    "merchant (not in it)": bearer("m9-user", "merchant", merchant_id="m-9"),
    "merchant without merchant_id": bearer("m-1", "merchant"),
    "merchant with the buyer's sub": bearer("buyer-1", "merchant", merchant_id="m-9"),
    "staff": bearer("staff-1", "staff"),
    "system": bearer("svc-1", "system"),
    "channel with the buyer's sub": bearer("buyer-1", "channel", channel_id="ch-1"),
    "no token": {},
    "bad token": {"Authorization": "Bearer not-a-jwt"},
}


def outcome(response: httpx.Response) -> tuple[int, str | None]:
    """(status, problem slug) — the slug only for problem+json answers."""
    if response.headers.get("content-type") == "application/problem+json":
        return response.status_code, response.json()["type"].removeprefix(PROBLEMS)
    return response.status_code, None
