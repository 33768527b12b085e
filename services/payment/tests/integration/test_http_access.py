"""Who may do what on the payment API, on the real app and database: every route × every kind of
caller × owner (the payable order belongs to buyer-1), with the exact status and problem type.
A buyer is `sub` only with the buyer role; reads are for the order's buyer, staff and system."""

import uuid
from datetime import timedelta

from tradeflow_contracts.payments import RequestPayment
from tradeflow_testing.access import CALLERS, expected, outcome

from .support import NOW, deliver

READ = expected({"buyer (owner)": (200, None), "staff": (200, None), "system": (200, None)})


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
    assert seen == expected({"buyer (owner)": (201, None)})


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
