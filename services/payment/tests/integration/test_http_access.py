"""Who may do what on the payment API, on the real app and database: every route × every kind of
caller × owner (the payable order belongs to buyer-1), with the exact status and problem type.
A buyer is `sub` only with the buyer role; reads are for the order's buyer, staff and system."""

import uuid
from datetime import timedelta

import httpx

from tradeflow_contracts.payments import RequestPayment
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

from .support import NOW, deliver

PROBLEMS = "https://tradeflow.example/problems/"
_tokens = TokenCodec(DEV_JWT_SECRET)


def bearer(sub: str, *roles: str, **claims) -> dict[str, str]:
    return {"Authorization": f"Bearer {_tokens.mint(sub, roles, **claims)}"}


CALLERS: dict[str, dict[str, str]] = {
    "buyer (owner)": bearer("buyer-1", "buyer"),
    "buyer (other)": bearer("buyer-2", "buyer"),
    "merchant": bearer("m1-user", "merchant", merchant_id="m-1"),
    "merchant without merchant_id": bearer("m-1", "merchant"),
    "merchant with the buyer's sub": bearer("buyer-1", "merchant", merchant_id="m-9"),
    "staff": bearer("staff-1", "staff"),
    "system": bearer("svc-1", "system"),
    "channel with the buyer's sub": bearer("buyer-1", "channel", channel_id="ch-1"),
    "no token": {},
    "bad token": {"Authorization": "Bearer not-a-jwt"},
}
FORBIDDEN, UNAUTHENTICATED = (403, "forbidden"), (401, "unauthenticated")


def expected(**allowed) -> dict[str, tuple[int, str | None]]:
    """Everyone forbidden, the token-less 401, except the callers named (by their key in CALLERS)."""
    table = {name: FORBIDDEN for name in CALLERS} | {"no token": UNAUTHENTICATED, "bad token": UNAUTHENTICATED}
    return table | {name.replace("_", " "): answer for name, answer in allowed.items()}


def outcome(response: httpx.Response) -> tuple[int, str | None]:
    if response.headers.get("content-type") == "application/problem+json":
        return response.status_code, response.json()["type"].removeprefix(PROBLEMS)
    return response.status_code, None


READ = expected(**{"buyer (owner)": (200, None), "staff": (200, None), "system": (200, None)})


async def _payable(service) -> str:
    order_id = f"order-{uuid.uuid4().hex[:8]}"
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=1000, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))
    return order_id


async def test_starting_a_payment(service, http):
    seen = {}
    for name, headers in CALLERS.items():
        order_id = await _payable(service)
        seen[name] = outcome(await http.post("/payments", json={"order_id": order_id}, headers=headers))
    assert seen == expected(**{"buyer (owner)": (201, None)})


async def test_reading_a_payment(service, http):
    order_id = await _payable(service)
    started = await http.post("/payments", json={"order_id": order_id}, headers=CALLERS["buyer (owner)"])
    payment_id = started.json()["id"]
    seen = {name: outcome(await http.get(f"/payments/{payment_id}", headers=headers))
            for name, headers in CALLERS.items()}
    assert seen == READ


async def test_listing_an_orders_payments(service, http):
    order_id = await _payable(service)
    await http.post("/payments", json={"order_id": order_id}, headers=CALLERS["buyer (owner)"])
    seen = {}
    for name, headers in CALLERS.items():
        response = await http.get("/payments", params={"order_id": order_id}, headers=headers)
        seen[name] = outcome(response)
        if response.status_code == 200:
            assert [p["order_id"] for p in response.json()["items"]] == [order_id]
    assert seen == READ


async def test_an_unknown_payment_is_a_404_problem(http):
    assert outcome(await http.get("/payments/pay_nothing", headers=CALLERS["staff"])) == (404, "not-found")
