"""Who may do what on the order API (API.md "Auth"), on the real app and database: every route ×
every kind of caller × owner, with the exact status and problem type; and what a merchant sees."""

import pytest

from tradeflow_testing.access import CALLERS, bearer, expected, outcome

OK, NO_MERCHANT = (200, None), (403, "merchant-scope-missing")


READ = expected({"buyer (owner)": OK, "merchant (in the order)": OK, "staff": OK, "system": OK,
                 "merchant without merchant_id": NO_MERCHANT})
LIST = expected({"buyer (owner)": (200, "mine"), "buyer (other)": (200, "none"),
                 "merchant (in the order)": (200, "mine"), "merchant (not in it)": (200, "none"),
                 "merchant without merchant_id": NO_MERCHANT, "merchant with the buyer's sub": (200, "none"),
                 "staff": (200, "mine"), "system": (200, "mine")})
PLACE = expected({"buyer (owner)": (201, None), "staff": (201, None)})
CANCEL = expected({"buyer (owner)": OK, "staff": OK})
STAFF_ONLY = expected({"staff": OK})

M1_AND_M2 = (("SKU-A", "m-1", 2, 1000), ("SKU-B", "m-2", 1, 5000))
HELD = (("SKU-V", "m-1", 1, 6_000_000, "virtual"),)  # above the risk amount: held for review


async def _matrix(orders, call, lines=M1_AND_M2) -> dict[str, tuple[int, str | None]]:
    """Each caller against an order of its own (changing routes must not see another's change)."""
    seen = {}
    for name, headers in CALLERS.items():
        order = await orders.placed("buyer-1", *lines)
        seen[name] = await call(order, headers)
    return seen


async def test_reading_an_order(orders):
    async def call(order, headers):
        return outcome(await orders.http.get(f"/orders/{order['id']}", headers=headers))
    assert await _matrix(orders, call) == READ


async def test_listing_orders(orders):
    order = await orders.placed("buyer-1", *M1_AND_M2)
    seen = {}
    for name, headers in CALLERS.items():
        response = await orders.http.get("/orders", headers=headers)
        status, slug = outcome(response)
        if status == 200:
            slug = "mine" if [o["id"] for o in response.json()["items"]] == [order["id"]] else "none"
            assert slug == "mine" or response.json()["items"] == []
        seen[name] = (status, slug)
    assert seen == LIST


async def test_placing_an_order_for_buyer_1(orders):
    seen = {}
    for name, headers in CALLERS.items():
        seen[name] = outcome(await orders.place(orders.body(*M1_AND_M2, buyer_id="buyer-1"), headers))
    assert seen == PLACE


async def test_cancelling_an_order(orders):
    async def call(order, headers):
        return outcome(await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": "x"}, headers=headers))
    assert await _matrix(orders, call) == CANCEL


@pytest.mark.parametrize("action", ["approve", "reject"])
async def test_reviewing_a_held_order(orders, action):
    async def call(order, headers):
        assert order["hold"] is not None
        return outcome(await orders.http.post(f"/orders/{order['id']}/{action}", json={"reason": "checked"},
                                              headers=headers))
    assert await _matrix(orders, call, HELD) == STAFF_ONLY


async def test_reading_the_saga(orders):
    async def call(order, headers):
        return outcome(await orders.http.get(f"/orders/{order['id']}/saga", headers=headers))
    assert await _matrix(orders, call) == STAFF_ONLY


async def test_an_unknown_order_is_a_404_problem(orders):
    response = await orders.http.get("/orders/ord_nothing", headers=CALLERS["staff"])
    assert outcome(response) == (404, "order-not-found")


async def test_a_merchant_sees_only_its_part_of_the_order(orders):
    for merchant in ("m-1", "m-2"):
        r = await orders.http.put(f"/catalog/freight-templates/{merchant}", headers=CALLERS["staff"],
                                  json={"base_amount": 500, "per_kg_amount": 0, "free_above_amount": None})
        assert r.status_code in (200, 201), r.text
    r = await orders.http.put("/catalog/coupons/C500", headers=CALLERS["staff"],
                              json={"kind": "fixed", "amount": 500, "currency": "CNY"})
    assert r.status_code in (200, 201), r.text
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 2, 1000), ("SKU-A2", "m-1", 1, 300),
                                ("SKU-B", "m-2", 1, 5000), coupon_codes=["C500"])
    whole = (await orders.http.get(f"/orders/{order['id']}", headers=CALLERS["buyer (owner)"])).json()
    assert {s["merchant_id"] for s in whole["sub_orders"]} == {"m-1", "m-2"}
    response = await orders.http.get(f"/orders/{order['id']}", headers=CALLERS["merchant (in the order)"])
    seen = response.json()
    [mine] = [s for s in whole["sub_orders"] if s["merchant_id"] == "m-1"]
    assert seen["sub_orders"] == [mine]
    assert {k: seen[k] for k in ("goods_amount", "shipping_amount", "discount_amount", "paid_amount")} == {
        k: mine[k] for k in ("goods_amount", "shipping_amount", "discount_amount", "paid_amount")}
    assert seen["goods_amount"] == 2300 and seen["paid_amount"] < whole["paid_amount"]
    assert seen["shipping_amount"] == 500 and 0 < seen["discount_amount"] < 500 and seen["coupons"] == []
    assert "SKU-B" not in response.text and "m-2" not in response.text
    assert seen["receiver"] == {"name": "Han Meimei", "phone": "139****5678", "region": "east", "city": "Hangzhou"}
    assert orders.receiver["address"] not in response.text and orders.receiver["phone"] not in response.text
    assert seen["history"] and all(h["actor"] is None and h["reason"] is None for h in seen["history"])


async def test_a_merchant_lists_the_orders_holding_its_sub_orders_page_by_page(orders):
    mine = [(await orders.placed(f"buyer-{i}", ("SKU-A", "m-1", 1, 100), ("SKU-B", "m-2", 1, 100)))["id"]
            for i in range(3)]
    await orders.placed("buyer-9", ("SKU-B", "m-2", 1, 100))
    merchant = bearer("m1-user", "merchant", merchant_id="m-1")
    first = (await orders.http.get("/orders", params={"limit": 2}, headers=merchant)).json()
    second = (await orders.http.get("/orders", params={"limit": 2, "cursor": first["next_cursor"]},
                                    headers=merchant)).json()
    assert [o["id"] for o in first["items"] + second["items"]] == mine[::-1]
    assert second["next_cursor"] is None
    assert all([s["merchant_id"] for s in o["sub_orders"]] == ["m-1"] for o in first["items"] + second["items"])
    assert all(o["paid_amount"] == 100 for o in first["items"] + second["items"])


async def test_a_buyer_lists_only_their_own_orders_whatever_the_query_says(orders):
    await orders.placed("buyer-1", ("SKU-A", "m-1", 1, 100))
    own = await orders.placed("buyer-2", ("SKU-A", "m-1", 1, 100))
    response = await orders.http.get("/orders", params={"buyer_id": "buyer-1"}, headers=CALLERS["buyer (other)"])
    assert [o["id"] for o in response.json()["items"]] == [own["id"]]
    staff = await orders.http.get("/orders", params={"buyer_id": "buyer-1"}, headers=CALLERS["staff"])
    assert [o["buyer_id"] for o in staff.json()["items"]] == ["buyer-1"]


async def test_a_merchant_sees_why_an_order_was_cancelled_without_other_merchants_goods(orders):
    order = await orders.placed("buyer-1", *M1_AND_M2)
    reason = "out of stock: SKU-B (0 of 1)"
    cancelled = await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": reason},
                                       headers=CALLERS["staff"])
    assert cancelled.json()["cancel_reason"] == reason
    seen = await orders.http.get(f"/orders/{order['id']}", headers=CALLERS["merchant (in the order)"])
    assert seen.json()["cancel_reason"] == "out of stock"
    assert "SKU-B" not in seen.text
