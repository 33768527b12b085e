"""Pay right after placing (issue 9): one POST /payments straight after POST /orders starts the
payment — the payment service holds the request until the order saga has asked for the payment
(woken by the payable's commit, in whichever replica), never answering 404 for an order that exists."""

import asyncio

from platform_client import auth, line, order_body, unique


async def _place_and_pay_at_once(platform, buyer: str, body: dict) -> tuple[dict, dict]:
    placed = await platform.place(buyer, body)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    paid = await platform.http.post("/payments", json={"order_id": order["id"]},
                                    headers=auth(buyer, "buyer") | {"Idempotency-Key": unique("pay-now")})
    assert paid.status_code == 201, f"the first POST /payments: {paid.status_code} {paid.text}"
    return order, paid.json()


async def test_one_payment_request_right_after_placing_starts_the_payment(platform):
    m1 = unique("m-now")
    a, b = await platform.product(m1, 1500), await platform.product(unique("m-now"), 700)
    await platform.freight(m1, 300)  # only a's merchant charges shipping
    order, payment = await _place_and_pay_at_once(
        platform, "buyer-now-1", order_body([line(a, 1), line(b, 2)]))
    assert (payment["order_id"], payment["amount"], payment["status"]) == (order["id"], order["paid_amount"], "pending")
    await platform.psp_decides(payment["psp_reference"], "succeed")
    paid = await platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")
    assert paid["payment_status"] == "paid" and paid["paid_amount"] == 3200


async def test_many_buyers_paying_at_once_each_start_with_one_request(platform):
    a = await platform.product("m1", 100, on_hand=100)
    results = await asyncio.gather(*(  # each buyer a different quantity: each payment its own order's amount
        _place_and_pay_at_once(platform, f"buyer-now-{i}", order_body([line(a, i)])) for i in range(2, 8)))
    assert sorted(p["amount"] for _, p in results) == [200, 300, 400, 500, 600, 700]
    assert all(p["amount"] == order["paid_amount"] for order, p in results)
    assert len({p["psp_reference"] for _, p in results}) == 6


async def test_an_order_that_never_asks_for_payment_is_409_not_payable_yet_with_retry_after(platform):
    r = await platform.http.post("/payments", json={"order_id": unique("ord-never")},
                                 headers=auth("buyer-now-9", "buyer") | {"Idempotency-Key": unique("pay-now")})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/not-payable-yet") and int(r.headers["Retry-After"]) >= 1
