"""Place and pay orders end to end: order, inventory and payment coordinating only through Kafka,
driven through the gateway as a client would, with the PSP simulator deciding outcomes."""

from platform_client import auth, eventually, line, order_body, unique


async def _paid(platform, buyer, order_id):
    payment = await platform.start_payment(buyer, order_id)
    await platform.psp_decides(payment["psp_reference"], "succeed")
    return await platform.wait_order(order_id, lambda o: o["status"] == "awaiting_shipment", "paid")


async def test_two_merchant_order_with_coupon_and_shipping_reaches_awaiting_shipment(platform):
    m1, m2, coupon = unique("m-pay-1"), unique("m-pay-2"), unique("CPN-500")
    a, b = await platform.product(m1, 1999), await platform.product(m2, 5000)
    await platform.freight(m1, 600)  # m1 charges 600 a parcel, m2 400: 1000 of shipping in all
    await platform.freight(m2, 400)
    await platform.coupon(coupon, amount=500)  # order-wide
    body = order_body([line(a, 2), line(b, 1)], coupon_codes=[coupon])
    placed = await platform.place("buyer-e2e-1", body)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["goods_amount"], order["shipping_amount"], order["discount_amount"], order["paid_amount"]) == (
        8998, 1000, 500, 9498)
    assert [s["merchant_id"] for s in order["sub_orders"]] == [m1, m2]
    assert [s["shipping_amount"] for s in order["sub_orders"]] == [600, 400]
    assert order["priced_by"] == "catalog" and order["coupons"] == [{"code": coupon, "amount": 500}]
    for level in [order, *order["sub_orders"]]:
        assert level["paid_amount"] == level["goods_amount"] + level["shipping_amount"] - level["discount_amount"]
    assert sum(ln["paid_amount"] for s in order["sub_orders"] for ln in s["lines"]) == 9498

    await platform.wait_step(order["id"], "awaiting_payment")
    assert (await platform.stock_of(a))["reserved"] == 2
    payment = await platform.start_payment("buyer-e2e-1", order["id"])
    assert payment["amount"] == 9498 and payment["status"] == "pending"
    await platform.psp_decides(payment["psp_reference"], "succeed")
    paid = await platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "awaiting shipment")
    assert paid["payment_status"] == "paid"
    assert [h["event"] for h in paid["history"]][-1] == "pay"


async def test_out_of_stock_cancels_with_the_reason_and_leaves_nothing_reserved(platform, skus):
    a, _ = skus
    scarce = await platform.product("m2", 1000, on_hand=1, prefix="SKU-SCARCE")
    placed = await platform.place("buyer-e2e-2", order_body([line(a, 1), line(scarce, 3)]))
    order = await platform.wait_order(placed.json()["id"], lambda o: o["status"] == "cancelled", "cancelled")
    assert scarce in order["cancel_reason"] and "out of stock" in order["cancel_reason"]
    await _eventually_released(platform, a)
    assert (await platform.stock_of(scarce))["reserved"] == 0


async def _eventually_released(platform, sku):
    await eventually(lambda: platform.stock_of(sku), lambda s: s["reserved"] == 0, 30, f"{sku} released")


async def test_a_failed_payment_can_be_retried_until_it_succeeds(platform, skus):
    a, _ = skus
    placed = await platform.place("buyer-e2e-3", order_body([line(a, 1)]))
    order_id = placed.json()["id"]
    await platform.wait_step(order_id, "awaiting_payment")
    first = await platform.start_payment("buyer-e2e-3", order_id)
    await platform.psp_decides(first["psp_reference"], "fail")
    failed = await platform.wait_order(order_id, lambda o: "payment_failed" in [h["event"] for h in o["history"]],
                                       "the failure recorded")
    assert failed["status"] == "pending_payment"
    paid = await _paid(platform, "buyer-e2e-3", order_id)
    assert paid["payment_status"] == "paid"


async def test_an_unpaid_order_times_out_releases_stock_and_closes_the_payment(platform, skus):
    a, _ = skus
    placed = await platform.place("buyer-e2e-4", order_body([line(a, 4)]))
    order_id = placed.json()["id"]
    order = await platform.wait_order(order_id, lambda o: o["status"] == "cancelled", "timed out", timeout=60)
    assert order["cancel_reason"] == "payment deadline passed"
    await _eventually_released(platform, a)
    payments = await eventually(lambda: _payment_state(platform, order_id), lambda s: s == "closed", 30, "closed")
    assert payments == "closed"


async def _payment_state(platform, order_id) -> str:
    r = await platform.http.post("/payments", json={"order_id": order_id},
                                 headers=auth("buyer-e2e-4", "buyer") | {"Idempotency-Key": unique("k")})
    closed = r.status_code == 409 and r.json()["type"].endswith("/payment-closed")
    return "closed" if closed else f"{r.status_code} {r.json().get('type')}"


async def test_cancel_before_payment_releases_stock(platform, skus):
    a, _ = skus
    order_id = (await platform.place("buyer-e2e-5", order_body([line(a, 2)]))).json()["id"]
    await platform.wait_step(order_id, "awaiting_payment")
    r = await platform.http.post(f"/orders/{order_id}/cancel", json={"reason": "changed my mind"},
                                 headers=auth("buyer-e2e-5", "buyer"))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    await _eventually_released(platform, a)


async def test_cancel_after_payment_refunds_in_full(platform):
    merchant = unique("m-refund")
    # Worth more than fulfillment's review threshold, so its shipment waits for staff and is never
    # dispatched: fulfillment stops it at once (the stages after dispatch: test_cancel_after_payment.py).
    a = await platform.product(merchant, 2_100_000)
    await platform.freight(merchant, 700)  # the refund gives the shipping back too: 2,100,000 + 700
    order_id = (await platform.place("buyer-e2e-6", order_body([line(a, 1)]))).json()["id"]
    await platform.wait_step(order_id, "awaiting_payment")
    await _paid(platform, "buyer-e2e-6", order_id)
    r = await platform.http.post(f"/orders/{order_id}/cancel", json={"reason": "ordered twice"},
                                 headers=auth("buyer-e2e-6", "buyer"))
    assert (r.status_code, r.json()["cancellation"]["state"]) == (202, "requested"), r.text  # fulfillment decides
    order = await platform.wait_order(order_id, lambda o: o["payment_status"] == "refunded", "refunded")
    assert (order["status"], order["refunded_amount"], order["cancellation"]["state"]) == (
        "cancelled", 2_100_700, "cancelled")
    lines = [ln for sub in order["sub_orders"] for ln in sub["lines"]]
    assert [ln["refunded_amount"] for ln in lines] == [ln["paid_amount"] for ln in lines]  # each line, exactly
    assert sum(sub["refunded_amount"] for sub in order["sub_orders"]) == 2_100_700
    await _eventually_released(platform, a)


async def test_a_held_order_waits_for_staff_then_approve_continues(platform):
    a = await platform.product("m1", 6_000_000, prefix="SKU-DEAR")  # above the review threshold
    order_id = (await platform.place("buyer-e2e-7", order_body([line(a, 1)]))).json()["id"]
    saga = await platform.wait_step(order_id, "held")
    assert "review threshold" in saga["hold"]
    assert (await platform.stock_of(a))["reserved"] >= 1  # the innocent held order keeps its stock
    r = await platform.http.post(f"/orders/{order_id}/approve", json={"reason": "called the buyer"},
                                 headers=platform.staff)
    assert r.status_code == 200 and r.json()["hold"] is None
    await platform.wait_step(order_id, "awaiting_payment")
    assert [h["actor"] for h in r.json()["history"] if h["event"] == "approved"] == ["staff:staff-e2e"]


async def test_a_held_order_rejected_by_staff_is_cancelled_and_released(platform):
    a = await platform.product("m1", 6_000_000, prefix="SKU-DEAR")
    order_id = (await platform.place("buyer-e2e-8", order_body([line(a, 1)]))).json()["id"]
    await platform.wait_step(order_id, "held")
    buyer_try = await platform.http.post(f"/orders/{order_id}/reject", json={"reason": "x"},
                                         headers=auth("buyer-e2e-8", "buyer"))
    assert buyer_try.status_code == 403
    r = await platform.http.post(f"/orders/{order_id}/reject", json={"reason": "stolen card"}, headers=platform.staff)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    await _eventually_released(platform, a)


async def test_a_held_order_nobody_reviews_times_out_and_releases_its_stock(platform):
    """make test sets ORDER_REVIEW_TIMEOUT_SECONDS to 20 (24 h by default)."""
    a = await platform.product("m1", 3_000_000, prefix="SKU-DEAR")  # two of them: above the threshold
    order_id = (await platform.place("buyer-e2e-12", order_body([line(a, 2)]))).json()["id"]
    await platform.wait_step(order_id, "held")
    assert (await platform.stock_of(a))["reserved"] >= 2
    order = await platform.wait_order(order_id, lambda o: o["status"] == "cancelled", "review timed out", timeout=90)
    assert (order["cancel_reason"], order["hold"]) == ("review deadline passed", None)
    assert [h["event"] for h in order["history"]][-1] == "cancel"
    await _eventually_released(platform, a)


async def test_retrying_place_order_with_the_same_key_returns_the_same_order(platform, skus):
    a, _ = skus
    body, key = order_body([line(a, 1)]), unique("idem")
    first = await platform.place("buyer-e2e-9", body, key=key)
    again = await platform.place("buyer-e2e-9", body, key=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    other = await platform.place("buyer-e2e-9", body | {"lines": [line(a, 2)]}, key=key)
    assert other.status_code == 409 and other.json()["type"].endswith("/idempotency-key-reused")


async def test_bad_orders_get_field_level_errors_and_no_token_is_401(platform):
    r = await platform.place("buyer-e2e-10", order_body([line("X", 0, -5)], points_amount=-1, type="gift"))
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"lines.0.quantity", "lines.0.unit_price_amount", "points_amount", "type"} <= fields
    unknown = await platform.place("buyer-e2e-10", order_body([line(unique("SKU-NONE"), 1)]))
    assert unknown.status_code == 422 and [e["field"] for e in unknown.json()["errors"]] == ["lines.0.sku"]
    assert (await platform.http.post("/orders", json={})).status_code == 401
