"""A pre-sale through the gateway (DOMAIN §3, issue 10 item 2 and issue 11): the order reserves
goods that are still on their way, is paid, and records when the goods arrive; an ordinary order
cannot take them. Fulfillment plans the pre-sale's shipment at once but holds it — the dispatcher
leaves it, however long past its merge window — until staff receive the goods; then it is
dispatched, shipped through the warehouse simulator, and the stock deducted once."""


from platform_client import auth, eventually, line, order_body, unique


async def test_a_pre_sale_waits_for_incoming_goods_and_ships_once_they_arrive(platform, wms, tms):
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
    assert await _stock(platform, sku, warehouse) == (0, 0, 5, 2)

    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")
    await platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")

    async def shipment() -> dict | None:
        r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]},
                                    headers=auth(buyer, "buyer"))
        assert r.status_code == 200, r.text
        return (r.json()["items"] or [None])[0]

    waiting = await eventually(shipment, lambda s: s is not None, 30, "the pre-sale's shipment planned")
    assert (waiting["status"], waiting["awaiting_stock"], waiting["dispatch_number"]) == ("ready", True, None)
    # Another buyer's ordinary order, paid after it: the dispatcher takes the longest due first, so
    # once this one is dispatched the pre-sale's (due earlier, were it not waiting) was passed over.
    await _dispatched_ordinary_order(platform)
    still = await shipment()
    assert (still["status"], still["awaiting_stock"], still["dispatch_number"]) == ("ready", True, None)

    r = await platform.http.post(f"/inventory/stock/{sku}/{warehouse}/receipts", headers=platform.staff,
                                 json={"quantity": 5, "reference": unique("PO")})
    assert r.status_code in (200, 201), r.text
    arrived = await platform.wait_order(order["id"], lambda o: any(
        h["event"] == "pre_sale_stock_arrived" for h in o["history"]), "the goods arrived")
    assert arrived["sub_orders"][0]["lines"][0]["warehouses"] == [
        {"code": warehouse, "quantity": 2, "incoming": False}]
    assert await _stock(platform, sku, warehouse) == (5, 2, 0, 0)

    s = await eventually(shipment, lambda s: s["status"] == "dispatched", 60, "dispatched once the goods arrived")
    assert (s["awaiting_stock"], s["dispatch_number"], s["warehouse"]) == (False, f"{s['id']}-1", warehouse)
    decided = await wms.post(f"/sim/dispatches/{s['dispatch_number']}", json={"outcome": "ship"})
    assert decided.status_code == 202, decided.text
    shipped = await eventually(shipment, lambda s: s["status"] == "shipped", 30, "the warehouse shipped it")
    assert [e["event"] for e in shipped["events"] if e["applied"]] == [
        "plan", "await_stock", "stock_arrived", "dispatch", "picked", "packed", "shipped"]
    await eventually(lambda: _stock(platform, sku, warehouse), lambda row: row == (3, 0, 0, 0), 30,
                     "the 2 shipped units deducted from on hand and from reserved")
    await platform.wait_order(order["id"], lambda o: o["status"] == "shipped", "the order shipped")

    for event in ("picked_up", "signed"):
        told = await tms.post(f"/sim/waybills/{s['waybill']}", json={"event": event})
        assert told.status_code == 202, told.text
    await eventually(shipment, lambda s: s["status"] == "signed", 30, "signed for")
    assert await _stock(platform, sku, warehouse) == (3, 0, 0, 0)  # deducted once, whatever came after


async def _dispatched_ordinary_order(platform) -> None:
    buyer = unique("buyer")
    sku = await platform.product(unique("m-ord"), 900, on_hand=3)
    order = await platform.placed(buyer, order_body([line(sku, 1)]))
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")

    async def status() -> str | None:
        r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]},
                                    headers=auth(buyer, "buyer"))
        assert r.status_code == 200, r.text
        return (r.json()["items"] or [{"status": None}])[0]["status"]

    await eventually(status, lambda s: s == "dispatched", 60, "an ordinary order's shipment dispatched")


async def _stock(platform, sku: str, warehouse: str) -> tuple[int, int, int, int]:
    [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    return row["on_hand"], row["reserved"], row["incoming"], row["reserved_incoming"]
