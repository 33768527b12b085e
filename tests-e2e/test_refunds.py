"""Staff refund a paid order's payment (POST /payments/{id}/refunds) through the gateway, on the
real services: the payment service makes the refund at the PSP simulator and announces it like
the order saga's refunds, the order service attributes it to the lines — part of it leaves the
order awaiting shipment, partially refunded; the rest closes it, and its coupon and points come
back to the buyer."""

from platform_client import auth, eventually, line, order_body, unique

COUPON_OFF, POINTS = 400, 200


def lines_of(order: dict) -> list[dict]:
    return [ln for sub in order["sub_orders"] for ln in sub["lines"]]


async def _refund(platform, payment_id: str, amount: int, key: str, who: dict | None = None):
    return await platform.http.post(f"/payments/{payment_id}/refunds",
                                    json={"amount": amount, "reason": "e2e: staff goodwill refund"},
                                    headers=(who or platform.staff) | {"Idempotency-Key": key})


async def _coupon_held_by(platform, code: str, buyer: str) -> int:
    r = await platform.http.get(f"/catalog/coupons/{code}", params={"buyer_id": buyer}, headers=platform.staff)
    assert r.status_code == 200, r.text
    return r.json()["uses"]["held_by_buyer"]


async def _paid_order_with_coupon_and_points(platform) -> tuple[str, str, dict, dict]:
    """(buyer, coupon, the paid order, its payment): two lines of one merchant, 3000 and 2 × 1000,
    400 off with a once-per-buyer coupon and 200 in points, shipped free — 4400 paid."""
    merchant, buyer, coupon, warehouse = unique("m-refund"), unique("buyer-refund"), unique("CPN-R"), unique("WH")
    a = await platform.product(merchant, 3000, warehouse=warehouse)
    b = await platform.product(merchant, 1000, warehouse=warehouse)
    await platform.coupon(coupon, amount=COUPON_OFF, per_buyer_limit=1)
    await platform.grant_points(buyer, POINTS)
    placed = await platform.placed(buyer, order_body([line(a, 1), line(b, 2)], coupon_codes=[coupon],
                                                     points_amount=POINTS))
    assert (placed["goods_amount"], placed["discount_amount"], placed["paid_amount"]) == (5000, 600, 4400)
    assert (await platform.points(buyer))["balance_amount"] == 0
    payment = await platform.start_payment(buyer, placed["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")
    paid = await platform.wait_order(placed["id"], lambda o: (o["status"], o["payment_status"]) == (
        "awaiting_shipment", "paid"), "paid")
    return buyer, coupon, paid, payment


async def test_staff_refund_part_then_the_rest_closes_the_order_and_gives_coupon_and_points_back(platform):
    buyer, coupon, order, payment = await _paid_order_with_coupon_and_points(platform)
    order_id, part_key = order["id"], unique("refund")

    assert (await _refund(platform, payment["id"], 1000, unique("refund"), auth(buyer, "buyer"))).status_code == 403
    part = await _refund(platform, payment["id"], 1000, part_key)
    assert part.status_code == 201, part.text
    assert {k: part.json()[k] for k in ("payment_id", "order_id", "amount", "currency", "status")} == {
        "payment_id": payment["id"], "order_id": order_id, "amount": 1000, "currency": "CNY", "status": "succeeded"}
    partly = await platform.wait_order(order_id, lambda o: o["payment_status"] == "partially_refunded",
                                       "partially refunded")
    assert (partly["status"], partly["refunded_amount"]) == ("awaiting_shipment", 1000)
    assert sum(ln["refunded_amount"] for ln in lines_of(partly)) == 1000
    assert all(0 <= ln["refunded_amount"] <= ln["paid_amount"] for ln in lines_of(partly))

    again = await _refund(platform, payment["id"], 1000, part_key)  # a retried request: the first answer
    assert (again.status_code, again.headers.get("Idempotent-Replayed"), again.json()) == (201, "true", part.json())
    beyond = await _refund(platform, payment["id"], 3401, unique("refund"))
    assert beyond.status_code == 409 and beyond.json()["type"].endswith("/refund-exceeds-paid"), beyond.text
    assert beyond.json()["refundable_amount"] == 3400
    [shown] = await platform.payments_of(order_id)
    assert (shown["refunded_amount"], [r["amount"] for r in shown["refunds"]]) == (1000, [1000])

    rest = await _refund(platform, payment["id"], 3400, unique("refund"))
    assert (rest.status_code, rest.json()["status"]) == (201, "succeeded"), rest.text
    closed = await platform.wait_order(order_id, lambda o: o["payment_status"] == "refunded", "fully refunded")
    assert (closed["status"], closed["refunded_amount"]) == ("closed", 4400)
    assert [ln["refunded_amount"] for ln in lines_of(closed)] == [ln["paid_amount"] for ln in lines_of(closed)]
    assert sum(ln["refunded_amount"] for ln in lines_of(closed)) == closed["refunded_amount"]
    assert sum(sub["refunded_amount"] for sub in closed["sub_orders"]) == 4400
    [shown] = await platform.payments_of(order_id)
    assert (shown["refunded_amount"], [r["status"] for r in shown["refunds"]]) == (4400, ["succeeded", "succeeded"])

    await eventually(lambda: platform.points(buyer), lambda p: p["balance_amount"] == POINTS, 30, "points back")
    await eventually(lambda: _coupon_held_by(platform, coupon, buyer), lambda held: held == 0, 30, "coupon back")
    sku = lines_of(closed)[0]["sku"]
    reused = await platform.placed(buyer, order_body([line(sku, 1)], coupon_codes=[coupon]))
    assert reused["coupons"] == [{"code": coupon, "amount": COUPON_OFF}]
