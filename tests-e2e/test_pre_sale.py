"""A pre-sale through the gateway (DOMAIN §3, issue 10 item 2): the order reserves goods that are
still on their way, is paid, and records when the goods arrive; an ordinary order cannot take them."""

from platform_client import line, order_body, unique


async def test_a_pre_sale_waits_for_incoming_goods_and_records_their_arrival(platform):
    sku, warehouse, buyer = await platform.product("m-pre", 2500, on_hand=0), unique("WH-PRE"), unique("buyer")
    await platform.stock(sku, warehouse, 0)
    r = await platform.http.put(f"/inventory/stock/{sku}/{warehouse}", headers=platform.staff,
                                json={"on_hand": 0, "incoming": 5, "incoming_eta": "2026-12-20T09:00:00Z"})
    assert r.status_code == 200, r.text

    normal = await platform.placed(buyer, order_body([line(sku, 2)]))
    await platform.wait_order(normal["id"], lambda o: o["status"] == "cancelled", "an ordinary order refused")

    order = await platform.placed(buyer, order_body([line(sku, 2)], type="pre_sale"))
    assert order["type"] == "pre_sale"
    await platform.wait_step(order["id"], "awaiting_payment")
    reserved = await platform.order(order["id"])
    assert reserved["sub_orders"][0]["lines"][0]["warehouses"] == [
        {"code": warehouse, "quantity": 2, "incoming": True}]
    [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    assert (row["on_hand"], row["reserved"], row["incoming"], row["reserved_incoming"]) == (0, 0, 5, 2)

    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")
    await platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")

    r = await platform.http.post(f"/inventory/stock/{sku}/{warehouse}/receipts", headers=platform.staff,
                                 json={"quantity": 5, "reference": unique("PO")})
    assert r.status_code in (200, 201), r.text
    arrived = await platform.wait_order(order["id"], lambda o: any(
        h["event"] == "pre_sale_stock_arrived" for h in o["history"]), "the goods arrived")
    assert arrived["sub_orders"][0]["lines"][0]["warehouses"] == [
        {"code": warehouse, "quantity": 2, "incoming": False}]
    [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    assert (row["on_hand"], row["reserved"], row["incoming"], row["reserved_incoming"]) == (5, 2, 0, 0)
