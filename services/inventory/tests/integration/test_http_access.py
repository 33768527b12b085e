"""Who may do what on the inventory API, on the real app and database: every route × every kind
of caller, with the exact status and problem type. Staff change stock; staff and system read it;
buyers, merchants and channels do neither (their `sub` gives them nothing)."""

import httpx
import pytest

from tradeflow_inventory.bootstrap import build_app
from tradeflow_inventory.settings import Settings
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

PROBLEMS = "https://tradeflow.example/problems/"
_tokens = TokenCodec(DEV_JWT_SECRET)


def bearer(sub: str, *roles: str, **claims) -> dict[str, str]:
    return {"Authorization": f"Bearer {_tokens.mint(sub, roles, **claims)}"}


CALLERS: dict[str, dict[str, str]] = {
    "buyer": bearer("buyer-1", "buyer"),
    "merchant": bearer("m1-user", "merchant", merchant_id="m-1"),
    "merchant without merchant_id": bearer("m-1", "merchant"),
    "staff": bearer("staff-1", "staff"),
    "system": bearer("svc-1", "system"),
    "channel": bearer("ch-user", "channel", channel_id="ch-1"),
    "no token": {},
    "bad token": {"Authorization": "Bearer not-a-jwt"},
}
FORBIDDEN, UNAUTHENTICATED, OK = (403, "forbidden"), (401, "unauthenticated"), (200, None)


def expected(**allowed) -> dict[str, tuple[int, str | None]]:
    table = {name: FORBIDDEN for name in CALLERS} | {"no token": UNAUTHENTICATED, "bad token": UNAUTHENTICATED}
    return table | allowed


def outcome(response: httpx.Response) -> tuple[int, str | None]:
    if response.headers.get("content-type") == "application/problem+json":
        return response.status_code, response.json()["type"].removeprefix(PROBLEMS)
    return response.status_code, None


@pytest.fixture
async def client(database_url):
    app = build_app(Settings(database_url=database_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://inventory") as client:
        yield client
    await app.state.runtime.stop()


ROUTES = {
    "define a warehouse": ("PUT", "/inventory/warehouses/east-1", {"region": "east", "priority": 1},
                           expected(staff=OK)),
    "count stock": ("PUT", "/inventory/stock/SKU-A/east-1", {"on_hand": 5}, expected(staff=OK)),
    "read a SKU's stock": ("GET", "/inventory/stock/SKU-A", None, expected(staff=OK, system=OK)),
    "read an order's reservations": ("GET", "/inventory/reservations?order_id=o-1", None,
                                     expected(staff=OK, system=OK)),
}


@pytest.mark.parametrize("route", ROUTES)
async def test_route_by_role(client, route):
    method, path, body, answers = ROUTES[route]
    staff = CALLERS["staff"]
    assert (await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1},
                             headers=staff)).status_code == 200
    seen = {name: outcome(await client.request(method, path, json=body, headers=headers))
            for name, headers in CALLERS.items()}
    assert seen == answers
