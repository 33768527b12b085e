"""Checkout over HTTP (API.md "Orders"): the server prices, a buyer cannot, a quote is what the
order will be, coupons and points are held and come back when the order is cancelled."""

from tradeflow_testing.access import bearer

BUYER, STAFF = bearer("buyer-1", "buyer"), bearer("staff-1", "staff")


async def _catalog(orders) -> None:
    for sku, merchant, price, grams in (("TEA", "m1", 3000, 500), ("POT", "m1", 9000, 1800), ("BOOK", "m2", 5000, 400)):
        await orders.put_sku(sku, merchant_id=merchant, title=sku, unit_price_amount=price, currency="CNY",
                             weight_grams=grams)
    for merchant, base, per_kg in (("m1", 800, 200), ("m2", 600, 100)):
        r = await orders.http.put(f"/catalog/freight-templates/{merchant}", headers=STAFF,
                                  json={"base_amount": base, "per_kg_amount": per_kg, "free_above_amount": None})
        assert r.status_code in (200, 201), r.text


def _checkout(orders, *lines, **fields) -> dict:
    return {"currency": "CNY", "receiver": orders.receiver,
            "lines": [{"sku": sku, "quantity": qty} for sku, qty in lines]} | fields


async def test_a_buyers_order_is_priced_by_the_server_and_a_quote_is_what_it_will_be(orders):
    await _catalog(orders)
    body = _checkout(orders, ("TEA", 2), ("POT", 1), ("BOOK", 1))
    quote = await orders.http.post("/orders/quote", json=body, headers=BUYER)
    assert quote.status_code == 200, quote.text
    # goods 6 000 + 9 000 + 5 000; m1 ships 2 800 g: 800 + 2 × 200; m2 400 g: 600
    assert (quote.json()["goods_amount"], quote.json()["shipping_amount"], quote.json()["paid_amount"]) == (
        20000, 1800, 21800)
    placed = await orders.place(body | {"expected_paid_amount": 21800}, BUYER)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["priced_by"] == "catalog"
    async with orders.app.state.api.transactions.read() as tx:  # the measures fulfillment splits by are kept
        stored = await tx.orders.get(order["id"])
    assert [(ln.sku, ln.weight_grams) for s in stored.sub_orders for ln in s.lines] == [
        ("TEA", 500), ("POT", 1800), ("BOOK", 400)]
    for field in ("goods_amount", "shipping_amount", "discount_amount", "paid_amount"):
        assert order[field] == quote.json()[field]
    for sub, quoted in zip(order["sub_orders"], quote.json()["sub_orders"], strict=True):
        assert [ln["paid_amount"] for ln in sub["lines"]] == [ln["paid_amount"] for ln in quoted["lines"]]
        assert {k for k in quoted} & {"id", "status"} == set()


async def test_a_price_the_buyer_was_not_shown_places_nothing_and_says_the_new_price(orders):
    await _catalog(orders)
    body = _checkout(orders, ("TEA", 1)) | {"expected_paid_amount": 3000}
    body["lines"][0]["unit_price_amount"] = 1
    changed = await orders.place(body, BUYER)
    assert changed.status_code == 409, changed.text
    problem = changed.json()
    assert problem["type"].endswith("/price-changed")
    assert {e["field"] for e in problem["errors"]} == {"lines.0.unit_price_amount", "expected_paid_amount"}
    assert (problem["quote"]["paid_amount"], problem["quote"]["sub_orders"][0]["lines"][0]["unit_price_amount"]) == (
        3800, 3000)
    listed = await orders.http.get("/orders", headers=BUYER)
    assert listed.json()["items"] == []


async def test_a_buyer_cannot_send_prices_and_an_unknown_sku_is_named(orders):
    await _catalog(orders)
    tampered = _checkout(orders, ("TEA", 1)) | {"shipping_amount": 0, "discounts": [{"kind": "coupon", "amount": 1}]}
    tampered["lines"][0]["merchant_id"] = "m1"
    refused = await orders.place(tampered, BUYER)
    assert refused.status_code == 422, refused.text
    assert {e["field"] for e in refused.json()["errors"]} == {"shipping_amount", "discounts", "lines.0.merchant_id"}
    unknown = await orders.place(_checkout(orders, ("TEA", 1), ("NOPE", 1)), BUYER)
    assert unknown.status_code == 422 and unknown.json()["errors"] == [{"field": "lines.1.sku",
                                                                       "message": "unknown SKU NOPE"}]


async def test_staff_place_explicit_prices_on_behalf_recorded_as_such(orders):
    body = {"currency": "CNY", "receiver": orders.receiver, "buyer_id": "buyer-1", "shipping_amount": 100,
            "lines": [{"sku": "ANY", "merchant_id": "m9", "quantity": 1, "unit_price_amount": 700}]}
    placed = await orders.place(body, STAFF)
    assert placed.status_code == 201, placed.text
    assert (placed.json()["priced_by"], placed.json()["paid_amount"], placed.json()["buyer_id"]) == (
        "staff", 800, "buyer-1")


async def test_a_coupon_and_points_are_held_by_the_order_and_come_back_when_it_is_cancelled(orders):
    await _catalog(orders)
    coupon = {"kind": "fixed", "amount": 1000, "currency": "CNY", "per_buyer_limit": 1}
    assert (await orders.http.put("/catalog/coupons/ONCE", json=coupon, headers=STAFF)).status_code in (200, 201)
    granted = await orders.http.post("/catalog/points/buyer-1", json={"amount": 500, "reason": "welcome"},
                                     headers=STAFF)
    assert granted.status_code in (200, 201), granted.text
    body = _checkout(orders, ("TEA", 1), ("BOOK", 1), coupon_codes=["ONCE"], points_amount=300)
    first = await orders.place(body, BUYER)
    assert first.status_code == 201, first.text
    order = first.json()
    # 1 000 over goods 3 000 : 5 000 → 375, 625; 300 points → 112, 188
    assert [ln["discounts"] for s in order["sub_orders"] for ln in s["lines"]] == [
        {"coupon": 375, "points": 112}, {"coupon": 625, "points": 188}]
    assert (order["coupons"], order["points_amount"]) == ([{"code": "ONCE", "amount": 1000}], 300)
    again = await orders.place(body | {"points_amount": 0}, BUYER)
    assert again.status_code == 409 and again.json()["type"].endswith("/coupon-unavailable"), again.text
    too_many = await orders.place(_checkout(orders, ("TEA", 1), points_amount=201), BUYER)
    assert too_many.status_code == 409 and too_many.json()["type"].endswith("/insufficient-points"), too_many.text
    assert (await orders.http.get("/catalog/points/buyer-1", headers=BUYER)).json()["balance_amount"] == 200
    cancelled = await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": "changed my mind"},
                                       headers=BUYER)
    assert cancelled.status_code == 200, cancelled.text
    points = (await orders.http.get("/catalog/points/buyer-1", headers=BUYER)).json()
    assert points["balance_amount"] == 500
    assert [e["kind"] for e in points["entries"]][:2] == ["returned", "spent"]
    assert (await orders.place(body, BUYER)).status_code == 201  # the coupon is the buyer's to use again
