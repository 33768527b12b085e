"""From paid to signed for, through the gateway and the whole stack (issue 11): fulfillment
dispatches the paid order's shipment to the warehouse once its merge window has passed (short in
the test stack: FULFILLMENT_MERGE_WINDOW_SECONDS), the warehouse and the carrier simulators are
driven through their control APIs, their signed webhooks come back through the gateway, inventory
deducts exactly the shipped units, and the order follows its shipment — to completed, receipt
confirmed for the buyer once the auto-confirm period passed."""


from platform_client import auth, eventually, line, order_body, unique


async def test_a_paid_order_is_dispatched_shipped_and_signed_for_and_its_units_leave_stock(platform, wms, tms):
    buyer, warehouse = unique("buyer"), unique("WH-F")
    sku = await platform.product(unique("m-ful"), 1500, on_hand=10, warehouse=warehouse, weight_grams=400)
    order = await platform.placed(buyer, order_body([line(sku, 3)]))
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")
    await platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")

    async def shipment() -> dict | None:
        r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]},
                                    headers=auth(buyer, "buyer"))
        assert r.status_code == 200, r.text
        return (r.json()["items"] or [None])[0]

    def reached(status: str):
        return lambda s: s is not None and s["status"] == status

    s = await eventually(shipment, reached("dispatched"), 30, "the shipment dispatched after its merge window")
    assert (s["warehouse"], s["carrier"], [ln["quantity"] for ln in s["lines"]]) == (warehouse, "YTO", [3])
    assert s["dispatch_number"] == f"{s['id']}-1" and s["waybill"].startswith("YTO")

    decided = await wms.post(f"/sim/dispatches/{s['dispatch_number']}", json={"outcome": "ship"})
    assert decided.status_code == 202, decided.text
    await eventually(shipment, reached("shipped"), 30, "the warehouse's picked, packed, shipped")
    await eventually(lambda: _stock(platform, sku, warehouse), lambda row: (row["on_hand"], row["reserved"]) == (7, 0),
                     30, "the 3 shipped units deducted from on hand and from reserved")
    await platform.wait_order(order["id"], lambda o: o["status"] == "shipped", "the order shipped")

    for event in ("picked_up", "in_transit", "out_for_delivery", "signed"):
        told = await tms.post(f"/sim/waybills/{s['waybill']}", json={"event": event})
        assert told.status_code == 202, told.text
    signed = await eventually(shipment, reached("signed"), 30, "the carrier's journey to signed")
    assert [(e["event"], e["source"]) for e in signed["events"] if e["applied"]] == [
        ("plan", "fulfillment"), ("dispatch", "fulfillment"), ("picked", "wms"), ("packed", "wms"),
        ("shipped", "wms"), ("picked_up", "tms"), ("out_for_delivery", "tms"), ("signed", "tms")]
    tracked = await platform.wait_order(order["id"], lambda o: [t["status"] for t in o["shipments"]] == ["signed"],
                                        "the order's shipment signed")
    assert tracked["shipments"][0]["waybill"] == s["waybill"]
    row = await _stock(platform, sku, warehouse)
    assert (row["on_hand"], row["reserved"]) == (7, 0)  # deducted once, whatever came after
    # The buyer never confirms: receipt is confirmed for them ORDER_AUTO_CONFIRM_SECONDS after signing
    # (5 s in make test; 7 days by default).
    done = await platform.wait_order(order["id"], lambda o: o["status"] == "completed", "auto-confirmed", timeout=60)
    assert (done["history"][-1]["actor"], done["auto_confirm_at"]) == ("system:auto-confirm", None)


async def test_a_warehouse_callback_not_signed_by_the_warehouse_is_refused_at_the_gateway(platform):
    r = await platform.http.post("/fulfillment/wms/callbacks", json={"event_id": "evt-forged", "type": "shipped"})
    assert (r.status_code, r.headers["content-type"]) == (401, "application/problem+json")
    assert r.json()["type"].endswith("/invalid-callback-signature")


async def _stock(platform, sku: str, warehouse: str) -> dict:
    [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    return row
