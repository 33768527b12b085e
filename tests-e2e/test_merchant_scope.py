"""A merchant through the gateway (issue 10, item 6): its view of an order holds only its own
sub-orders, amounts summed over them and no other merchant's lines; its list holds the orders
containing its sub-orders; another merchant's order is a 403."""

from platform_client import line, order_body, unique

from tradeflow_testing.access import bearer


async def test_a_merchant_sees_and_lists_only_its_own_part_of_an_order(platform):
    m1, m2, outsider = unique("m-scope-1"), unique("m-scope-2"), unique("m-scope-3")
    a, b = await platform.product(m1, 1200), await platform.product(m2, 3000)
    await platform.freight(m1, 500)
    buyer = unique("buyer")
    order = await platform.placed(buyer, order_body([line(a, 2), line(b, 1)]))
    as_m1 = bearer(f"{m1}-user", "merchant", merchant_id=m1)

    seen = (await platform.http.get(f"/orders/{order['id']}", headers=as_m1)).json()
    [mine] = [s for s in order["sub_orders"] if s["merchant_id"] == m1]
    assert [s["id"] for s in seen["sub_orders"]] == [mine["id"]]
    assert (seen["goods_amount"], seen["shipping_amount"], seen["paid_amount"]) == (2400, 500, mine["paid_amount"])
    assert b not in str(seen) and m2 not in str(seen) and seen["paid_amount"] < order["paid_amount"]

    listed = (await platform.http.get("/orders", headers=as_m1)).json()["items"]
    assert [o["id"] for o in listed] == [order["id"]]  # a fresh merchant: this order only
    assert [s["merchant_id"] for s in listed[0]["sub_orders"]] == [m1]

    other = bearer(f"{outsider}-user", "merchant", merchant_id=outsider)
    r = await platform.http.get(f"/orders/{order['id']}", headers=other)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert (await platform.http.get("/orders", headers=other)).json()["items"] == []
