"""The server prices a checkout (issue 10, item 1), through the gateway on the real services: the
catalog's prices, each merchant's freight template by weight, coupons and points, apportioned
over the lines by hand-checked numbers; what a client claims about prices is never charged; a
quote is what placing costs; coupons and points are held by an order and come back when it is
cancelled; a sub-order may be filled from two warehouses; staff may still price on behalf of a
buyer; an order's type, delivery method and invoice are kept."""

from collections import Counter

from platform_client import auth, eventually, line, order_body, priced_line, unique

AMOUNTS = ("goods_amount", "shipping_amount", "discount_amount", "paid_amount")


def amounts(level: dict) -> tuple[int, ...]:
    return tuple(level[k] for k in AMOUNTS)


def lines_of(order: dict) -> list[dict]:
    return [ln for sub in order["sub_orders"] for ln in sub["lines"]]


def fields_of(problem: dict) -> set[str]:
    return {e["field"] for e in problem.get("errors") or []}


def problem_type(r) -> str:
    return r.json().get("type", "").rsplit("/", 1)[-1]


async def orders_of(platform, buyer: str) -> list[dict]:
    r = await platform.http.get("/orders", params={"limit": 100}, headers=auth(buyer, "buyer"))
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_price_tampered_by_the_client_is_not_charged(platform):
    merchant, buyer = unique("m-tamper"), unique("buyer-tamper")
    sku = await platform.product(merchant, 2999, weight_grams=500)
    await platform.freight(merchant, 800, per_kg=200)  # 500 g: within the first kilogram, 800

    cheaper = await platform.place(buyer, order_body([line(sku, 1, shown_price=1)]))
    assert (cheaper.status_code, problem_type(cheaper)) == (409, "price-changed"), cheaper.text
    assert cheaper.headers["content-type"].startswith("application/problem+json")
    assert fields_of(cheaper.json()) == {"lines.0.unit_price_amount"}
    quote = cheaper.json()["quote"]  # what it really costs, from the catalog
    assert amounts(quote) == (2999, 800, 0, 3799)
    [sub] = quote["sub_orders"]
    assert sub["merchant_id"] == merchant and sub["lines"][0]["unit_price_amount"] == 2999

    underpaid = await platform.place(buyer, order_body([line(sku, 1)], expected_paid_amount=2999))
    assert (underpaid.status_code, problem_type(underpaid)) == (409, "price-changed"), underpaid.text
    assert fields_of(underpaid.json()) == {"expected_paid_amount"}
    assert underpaid.json()["quote"]["paid_amount"] == 3799

    own_terms = await platform.place(buyer, order_body([line(sku, 1) | {"merchant_id": merchant}],
                                                       shipping_amount=0,
                                                       discounts=[{"kind": "coupon", "amount": 2999}]))
    assert own_terms.status_code == 422, own_terms.text
    assert fields_of(own_terms.json()) == {"shipping_amount", "discounts", "lines.0.merchant_id"}

    assert await orders_of(platform, buyer) == [], "nothing refused was placed"
    assert (await platform.stock_of(sku))["reserved"] == 0

    order = await platform.placed(buyer, order_body([line(sku, 1, shown_price=2999)], expected_paid_amount=3799))
    assert amounts(order) == (2999, 800, 0, 3799) and order["priced_by"] == "catalog"
    [placed_line] = lines_of(order)
    assert (placed_line["unit_price_amount"], placed_line["title"], placed_line["sku_version"]) == (
        2999, f"{sku} title", 1)
    payment = await platform.start_payment(buyer, order["id"])
    assert (payment["amount"], payment["currency"]) == (3799, "CNY")
    await platform.psp_decides(payment["psp_reference"], "succeed")
    paid = await platform.wait_order(order["id"], lambda o: o["payment_status"] == "paid", "paid")
    assert paid["paid_amount"] == 3799
    [recorded] = await platform.payments_of(order["id"])
    assert (recorded["amount"], recorded["status"]) == (3799, "succeeded")


async def test_a_new_catalog_price_is_what_the_next_order_pays(platform):
    merchant, buyer = unique("m-reprice"), unique("buyer-reprice")
    sku = await platform.product(merchant, 1000)
    seen = (await platform.quote(buyer, order_body([line(sku, 2)]))).json()
    assert seen["paid_amount"] == 2000
    stored = await platform.catalog(sku, merchant, 1200)  # the price rises while the page is open
    assert stored["version"] == 2
    stale = await platform.place(buyer, order_body([line(sku, 2, shown_price=1000)],
                                                   expected_paid_amount=seen["paid_amount"]))
    assert (stale.status_code, problem_type(stale)) == (409, "price-changed"), stale.text
    assert fields_of(stale.json()) == {"lines.0.unit_price_amount", "expected_paid_amount"}
    assert stale.json()["quote"]["paid_amount"] == 2400
    order = await platform.placed(buyer, order_body([line(sku, 2, shown_price=1200)], expected_paid_amount=2400))
    assert lines_of(order)[0]["sku_version"] == 2 and order["paid_amount"] == 2400


async def test_a_quote_is_what_placing_the_same_body_costs(platform):
    m1, m2, buyer, coupon = unique("m-q1"), unique("m-q2"), unique("buyer-quote"), unique("CPN-Q")
    a = await platform.product(m1, 1234, weight_grams=700)
    b = await platform.product(m1, 999, weight_grams=900)
    c = await platform.product(m2, 4321, weight_grams=2500)
    await platform.freight(m1, 500, per_kg=120)
    await platform.freight(m2, 650, per_kg=90)
    await platform.coupon(coupon, percent=7, per_buyer_limit=1)
    await platform.grant_points(buyer, 333)
    body = order_body([line(a, 3), line(b, 1), line(c, 2)], coupon_codes=[coupon], points_amount=333)

    first = await platform.quote(buyer, body)
    again = await platform.quote(buyer, body)  # a quote holds nothing: the once-per-buyer coupon, the points
    assert first.status_code == again.status_code == 200, first.text
    quote = first.json()
    assert again.json() == quote
    assert "id" not in quote and "status" not in quote and "history" not in quote
    assert (await platform.points(buyer))["balance_amount"] == 333

    order = await platform.placed(buyer, body | {"expected_paid_amount": quote["paid_amount"]})
    assert amounts(order) == amounts(quote)
    assert (order["coupons"], order["points_amount"]) == (quote["coupons"], quote["points_amount"])
    assert [(s["merchant_id"], *amounts(s)) for s in order["sub_orders"]] == [
        (s["merchant_id"], *amounts(s)) for s in quote["sub_orders"]]
    per_line = ("sku", "title", "sku_version", "quantity", "unit_price_amount", *AMOUNTS)
    assert [tuple(ln[k] for k in per_line) for ln in lines_of(order)] == [
        tuple(ln[k] for k in per_line) for ln in lines_of(quote)]
    assert quote["discount_amount"] > 333 and quote["shipping_amount"] > 0  # the coupon, points and freight all count


async def test_shipping_and_a_coupon_are_apportioned_by_goods_amount_as_worked_by_hand(platform):
    m1, m2, buyer, coupon = unique("m-hand-1"), unique("m-hand-2"), unique("buyer-hand"), unique("CPN-1000")
    a1 = await platform.product(m1, 3000, weight_grams=1200)
    a2 = await platform.product(m1, 4500, weight_grams=800)
    b = await platform.product(m2, 2500, weight_grams=501)
    # m1: base 800 for the first kg, 200 per started kg beyond it; m2: 600 and 150; m2 dearer in the west.
    await platform.freight(m1, 800, per_kg=200, free_above=20000)
    await platform.freight(m2, 600, per_kg=150, regions={"west": {"base_amount": 1000, "per_kg_amount": 500}})
    await platform.coupon(coupon, amount=1000)  # fixed, order-wide
    body = order_body([line(a1, 1), line(a2, 2), line(b, 2)], coupon_codes=[coupon])

    order = await platform.placed(buyer, body)
    # Goods: a1 3000, a2 2 × 4500 = 9000, b 2 × 2500 = 5000; 17000 in all.
    assert [ln["goods_amount"] for ln in lines_of(order)] == [3000, 9000, 5000]
    # m1 ships 1200 + 2 × 800 = 2800 g: 3 started kg, 2 beyond the first → 800 + 2 × 200 = 1200,
    # over its lines by goods: a1 1200 × 3000 / 12000 = 300, a2 (the last) 1200 − 300 = 900.
    # m2 ships 2 × 501 = 1002 g: 2 started kg, 1 beyond → 600 + 150 = 750, all on b.
    assert [ln["shipping_amount"] for ln in lines_of(order)] == [300, 900, 750]
    # The coupon over every line by goods: 1000 × 3000 / 17000 = 176.47 → 176,
    # 1000 × 9000 / 17000 = 529.41 → 529, the last line the rest: 1000 − 176 − 529 = 295.
    assert [ln["discount_amount"] for ln in lines_of(order)] == [176, 529, 295]
    assert [ln["discounts"] for ln in lines_of(order)] == [{"coupon": 176}, {"coupon": 529}, {"coupon": 295}]
    # Paid per line: 3000 + 300 − 176 = 3124; 9000 + 900 − 529 = 9371; 5000 + 750 − 295 = 5455.
    assert [ln["paid_amount"] for ln in lines_of(order)] == [3124, 9371, 5455]
    assert [(s["merchant_id"], *amounts(s)) for s in order["sub_orders"]] == [
        (m1, 12000, 1200, 705, 12495), (m2, 5000, 750, 295, 5455)]
    assert amounts(order) == (17000, 1950, 1000, 17950)
    assert order["coupons"] == [{"code": coupon, "amount": 1000}]
    payment = await platform.start_payment(buyer, order["id"])
    assert payment["amount"] == 17950

    west = body | {"receiver": body["receiver"] | {"region": "west", "city": "Chengdu"}}
    quoted = (await platform.quote(buyer, west)).json()
    # In the west m2's rate is 1000 + 1 × 500 = 1500; m1 has no western rate: 1200 as before.
    assert [s["shipping_amount"] for s in quoted["sub_orders"]] == [1200, 1500]
    more = order_body([line(a1, 1), line(a2, 4), line(b, 2)])
    quoted = (await platform.quote(buyer, more)).json()
    # m1's goods reach its free_above_amount (3000 + 18000 = 21000 ≥ 20000): it ships free.
    assert [(s["goods_amount"], s["shipping_amount"]) for s in quoted["sub_orders"]] == [(21000, 0), (5000, 750)]


async def test_a_coupon_limited_to_one_use_per_buyer_comes_back_when_the_order_is_cancelled(platform):
    coupon, merchant = unique("CPN-ONCE"), unique("m-once")
    sku = await platform.product(merchant, 2000)
    await platform.coupon(coupon, amount=300, per_buyer_limit=1)
    buyer, other = unique("buyer-once"), unique("buyer-once")
    body = order_body([line(sku, 1)], coupon_codes=[coupon])

    first = await platform.placed(buyer, body)
    assert (first["coupons"], first["discount_amount"], first["paid_amount"]) == (
        [{"code": coupon, "amount": 300}], 300, 1700)
    second = await platform.place(buyer, order_body([line(sku, 1)], coupon_codes=[coupon]))
    assert (second.status_code, problem_type(second)) == (409, "coupon-unavailable"), second.text
    assert fields_of(second.json()) == {"coupon_codes.0"}
    assert (await platform.quote(buyer, body)).status_code == 409, "a quote refuses it as placing would"
    assert (await platform.placed(other, body))["coupons"] == [{"code": coupon, "amount": 300}], "per buyer"

    r = await platform.cancel(buyer, first["id"])
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    await eventually(lambda: _coupon_uses(platform, coupon, buyer), lambda u: u["held_by_buyer"] == 0, 30,
                     "the coupon given back")
    again = await platform.placed(buyer, order_body([line(sku, 1)], coupon_codes=[coupon]))
    assert again["coupons"] == [{"code": coupon, "amount": 300}]


async def test_a_coupon_whose_total_quantity_is_used_up_is_refused(platform):
    coupon, merchant = unique("CPN-TWO"), unique("m-two")
    sku = await platform.product(merchant, 1500)
    await platform.coupon(coupon, amount=100, total_quantity=2)
    holders = [unique("buyer-two") for _ in range(2)]
    orders = [await platform.placed(b, order_body([line(sku, 1)], coupon_codes=[coupon])) for b in holders]
    assert [o["discount_amount"] for o in orders] == [100, 100]
    late = unique("buyer-two")
    refused = await platform.place(late, order_body([line(sku, 1)], coupon_codes=[coupon]))
    assert (refused.status_code, problem_type(refused)) == (409, "coupon-unavailable"), refused.text
    assert fields_of(refused.json()) == {"coupon_codes.0"}
    assert (await _coupon_uses(platform, coupon))["held"] == 2
    assert await orders_of(platform, late) == []

    assert (await platform.cancel(holders[0], orders[0]["id"])).status_code == 200
    await eventually(lambda: _coupon_uses(platform, coupon), lambda u: u["held"] == 1, 30, "one use given back")
    assert (await platform.placed(late, order_body([line(sku, 1)], coupon_codes=[coupon])))["discount_amount"] == 100


async def _coupon_uses(platform, code: str, buyer: str | None = None) -> dict:
    r = await platform.http.get(f"/catalog/coupons/{code}", params={"buyer_id": buyer} if buyer else {},
                                headers=platform.staff)
    assert r.status_code == 200, r.text
    return r.json()["uses"]


async def test_points_are_spent_on_an_order_and_come_back_once_when_it_is_cancelled(platform):
    merchant, buyer = unique("m-points"), unique("buyer-points")
    a = await platform.product(merchant, 1000)
    b = await platform.product(merchant, 3000)
    granted = await platform.grant_points(buyer, 500)
    assert granted["balance_amount"] == 500

    order = await platform.placed(buyer, order_body([line(a, 1), line(b, 1)], points_amount=300))
    # 300 points over goods 1000 and 3000: 300 × 1000 / 4000 = 75, the last line 225.
    assert (order["points_amount"], order["discount_amount"], order["paid_amount"]) == (300, 300, 3700)
    assert [ln["discounts"] for ln in lines_of(order)] == [{"points": 75}, {"points": 225}]
    ledger = await platform.points(buyer)
    assert ledger["balance_amount"] == 200
    assert [(e["amount"], e["kind"]) for e in ledger["entries"] if e["order_id"] == order["id"]] == [(-300, "spent")]

    over = await platform.place(buyer, order_body([line(a, 1)], points_amount=201))
    assert (over.status_code, problem_type(over)) == (409, "insufficient-points"), over.text
    assert fields_of(over.json()) == {"points_amount"}
    assert (await platform.points(buyer))["balance_amount"] == 200
    other = await platform.http.get(f"/catalog/points/{buyer}", headers=auth(unique("buyer-nosy"), "buyer"))
    assert other.status_code == 403, "a buyer reads only their own points"

    await platform.wait_step(order["id"], "awaiting_payment")
    key = unique("cancel")
    first = await platform.cancel(buyer, order["id"], key=key)
    again = await platform.cancel(buyer, order["id"], key=key)  # a retry of the same cancel
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    assert first.json()["status"] == "cancelled"
    ledger = await eventually(lambda: platform.points(buyer), lambda p: p["balance_amount"] == 500, 30,
                              "the points given back")
    assert Counter((e["amount"], e["kind"]) for e in ledger["entries"] if e["order_id"] == order["id"]) == Counter(
        {(-300, "spent"): 1, (300, "returned"): 1}), "given back once"
    other_key = await platform.cancel(buyer, order["id"], key=unique("cancel"))
    assert (other_key.status_code, problem_type(other_key)) == (409, "illegal-transition")
    assert (await platform.points(buyer))["balance_amount"] == 500
    cancelled = await platform.order(order["id"])
    assert [h["event"] for h in cancelled["history"]].count("cancel") == 1


async def test_a_sub_order_is_filled_from_two_warehouses_and_cancelling_releases_both(platform):
    merchant, buyer = unique("m-split"), unique("buyer-split")
    wh_a, wh_b, wh_c = unique("WH-A"), unique("WH-B"), unique("WH-C")
    split = await platform.product(merchant, 800, on_hand=0, prefix="SKU-SPLIT")
    await platform.stock(split, wh_a, 1, region="east", priority=1)
    await platform.stock(split, wh_b, 1, region="east", priority=2)

    order = await platform.placed(buyer, order_body([line(split, 2)]))
    await platform.wait_step(order["id"], "awaiting_payment")
    reserved = await platform.order(order["id"])
    [ln] = lines_of(reserved)
    assert sorted((w["code"], w["quantity"]) for w in ln["warehouses"]) == sorted([(wh_a, 1), (wh_b, 1)])
    stock = await platform.stock_of(split)
    assert {(w["warehouse"], w["reserved"], w["available"]) for w in stock["warehouses"]} == {
        (wh_a, 1, 0), (wh_b, 1, 0)}

    # One warehouse that can fill the sub-order is still preferred over a split.
    whole = await platform.product(merchant, 800, on_hand=0, prefix="SKU-WHOLE")
    await platform.stock(whole, wh_a, 1, region="east", priority=1)
    await platform.stock(whole, wh_c, 2, region="east", priority=3)
    single = await platform.placed(unique("buyer-split"), order_body([line(whole, 2)]))
    await platform.wait_step(single["id"], "awaiting_payment")
    assert [(w["code"], w["quantity"]) for w in lines_of(await platform.order(single["id"]))[0]["warehouses"]] == [
        (wh_c, 2)]

    assert (await platform.cancel(buyer, order["id"])).status_code == 200
    released = await eventually(lambda: platform.stock_of(split), lambda s: s["reserved"] == 0, 30, "both released")
    assert {(w["warehouse"], w["on_hand"], w["reserved"], w["available"]) for w in released["warehouses"]} == {
        (wh_a, 1, 0, 1), (wh_b, 1, 0, 1)}


async def test_staff_may_price_an_order_on_behalf_of_a_buyer_and_a_buyer_may_not(platform):
    merchant, buyer = unique("m-staff"), unique("buyer-staff")
    sku = await platform.product(merchant, 2000)
    await platform.freight(merchant, 900)  # ignored: staff name the shipping themselves
    body = order_body([priced_line(sku, merchant, 2, 1234)], shipping_amount=100,
                      discounts=[{"kind": "member", "amount": 68}])

    r = await platform.place_for(buyer, body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["priced_by"], order["buyer_id"]) == ("staff", buyer)
    assert amounts(order) == (2468, 100, 68, 2500)
    assert order["history"][0]["actor"] == "staff:staff-e2e"
    seen_by_buyer = await platform.http.get(f"/orders/{order['id']}", headers=auth(buyer, "buyer"))
    assert seen_by_buyer.status_code == 200 and seen_by_buyer.json()["priced_by"] == "staff"

    as_buyer = await platform.place(buyer, body)
    assert as_buyer.status_code == 422, as_buyer.text
    assert fields_of(as_buyer.json()) == {"shipping_amount", "discounts", "lines.0.merchant_id"}
    for_another = await platform.place(buyer, order_body([line(sku, 1)], buyer_id=unique("buyer-else")))
    assert for_another.status_code == 403, for_another.text
    nobody = await platform.http.post("/orders", json=body, headers=platform.staff | {"Idempotency-Key": unique("k")})
    assert nobody.status_code == 422 and fields_of(nobody.json()) == {"buyer_id"}
    half = await platform.place_for(buyer, order_body([priced_line(sku, merchant, 1, 1234), line(sku, 1)],
                                                      shipping_amount=0))
    assert half.status_code == 422 and {"lines.1.merchant_id", "lines.1.unit_price_amount"} <= fields_of(half.json())
    assert [o["id"] for o in await orders_of(platform, buyer)] == [order["id"]]


async def test_order_type_delivery_method_and_invoice(platform):
    merchant, buyer = unique("m-terms"), unique("buyer-terms")
    physical = await platform.product(merchant, 1500, weight_grams=300)
    ebook = await platform.product(merchant, 600, on_hand=0, kind="virtual", prefix="SKU-EBOOK")
    await platform.freight(merchant, 700)

    virtual_but_physical = await platform.place(buyer, order_body([line(physical, 1)], type="virtual"))
    assert virtual_but_physical.status_code == 422 and fields_of(virtual_but_physical.json()) == {"type"}
    assert (await platform.quote(buyer, order_body([line(physical, 1)], type="virtual"))).status_code == 422

    virtual = await platform.placed(buyer, order_body([line(ebook, 1)], type="virtual"))
    assert (virtual["type"], amounts(virtual)) == ("virtual", (600, 0, 0, 600)), "virtual goods ship nothing"
    await platform.wait_step(virtual["id"], "awaiting_payment")  # nothing to reserve

    express = (await platform.quote(buyer, order_body([line(physical, 1)]))).json()
    assert (express["delivery_method"], express["shipping_amount"]) == ("express", 700)
    invoice = {"title": "ACME Trading (Shanghai) Co., Ltd.", "tax_id": "91310000MA1FL8XQ3K"}
    pickup = await platform.placed(buyer, order_body([line(physical, 1)], delivery_method="self_pickup",
                                                     invoice=invoice))
    assert (pickup["delivery_method"], amounts(pickup)) == ("self_pickup", (1500, 0, 0, 1500))
    assert all(ln["shipping_amount"] == 0 for ln in lines_of(pickup))
    assert pickup["invoice"] == invoice
    kept = await platform.http.get(f"/orders/{pickup['id']}", headers=auth(buyer, "buyer"))
    assert (kept.json()["invoice"], kept.json()["delivery_method"], kept.json()["type"]) == (
        invoice, "self_pickup", "normal")
    assert (await platform.placed(buyer, order_body([line(physical, 1)])))["invoice"] is None
