"""Re-review through the gateway (issue 11, DOMAIN §4 反审核): staff send a dispatched, not yet
shipped shipment to another receiver; the warehouse simulator stops it, fulfillment dispatches it
again under a new dispatch number (the warehouse refuses a number twice) with a new waybill to
the new receiver (the old one voided at the carrier), and its history shows both dispatches."""


import httpx
from platform_client import auth, eventually, line, order_body, unique

NEW_RECEIVER = {"name": "Li Lei", "phone": "13800001111", "region": "west", "city": "Chengdu",
                "address": "9 Jinli St"}


async def test_a_dispatched_shipment_re_reviewed_goes_again_under_a_new_number_to_the_new_receiver(platform, wms, tms):
    buyer = unique("buyer")
    sku = await platform.product(unique("m-rr"), 1500, on_hand=5, warehouse=unique("WH-R"))
    order = await platform.placed(buyer, order_body([line(sku, 1)]))
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")

    async def shipment() -> dict | None:
        r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]}, headers=platform.staff)
        assert r.status_code == 200, r.text
        return (r.json()["items"] or [None])[0]

    first = await eventually(shipment, lambda s: s is not None and s["status"] == "dispatched", 30, "dispatched")
    r = await platform.http.post(f"/fulfillment/shipments/{first['id']}/re-review",
                                 json={"receiver": NEW_RECEIVER, "reason": "the buyer moved"},
                                 headers=platform.staff | {"Idempotency-Key": unique("rr")})
    assert (r.status_code, r.json()["status"]) == (202, "intercepting"), r.text
    buyer_try = await platform.http.post(f"/fulfillment/shipments/{first['id']}/re-review",
                                         json={"receiver": NEW_RECEIVER, "reason": "me"},
                                         headers=auth(buyer, "buyer") | {"Idempotency-Key": unique("rr")})
    assert buyer_try.status_code == 403

    async def stop_it() -> httpx.Response:
        return await wms.post(f"/sim/dispatches/{first['dispatch_number']}", json={"outcome": "intercept_ok"})
    await eventually(stop_it, lambda r: r.status_code == 202, 30, "the warehouse asked to intercept")

    again = await eventually(shipment, lambda s: s["status"] == "dispatched" and len(s["dispatch_numbers"]) == 2,
                             30, "dispatched again under a new number")
    assert again["dispatch_numbers"] == [first["dispatch_number"], f"{first['id']}-2"]
    assert again["waybill"] != first["waybill"]
    new_dispatch = (await wms.get(f"/wms/dispatches/{again['dispatch_number']}",
                                  headers={"Authorization": "Bearer wms-dev-key"})).json()
    assert (new_dispatch["receiver"]["city"], new_dispatch["waybill"]) == ("Chengdu", again["waybill"])
    old_waybill = (await tms.get(f"/tms/waybills/{first['waybill']}",
                                 headers={"Authorization": "Bearer tms-dev-key"})).json()
    assert old_waybill["status"] == "cancelled"
    assert [(e["event"], e["applied"]) for e in again["events"] if e["event"] in ("dispatch", "redispatch")] == [
        ("dispatch", True), ("redispatch", True)]


async def test_a_dispatched_shipment_packed_apart_ships_as_two_parcels_and_the_order_completes(platform, wms, tms):
    buyer, warehouse = unique("buyer"), unique("WH-R")
    sku = await platform.product(unique("m-rr"), 1500, on_hand=5, warehouse=warehouse)
    order = await platform.placed(buyer, order_body([line(sku, 2)]))
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")

    async def shipments() -> list[dict]:
        r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]}, headers=platform.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    [first] = await eventually(shipments, lambda items: [s["status"] for s in items] == ["dispatched"], 30,
                               "dispatched")
    [only_line] = first["lines"]
    r = await platform.http.post(f"/fulfillment/shipments/{first['id']}/re-review",
                                 json={"split": [{"line_id": only_line["line_id"], "quantity": 1}],
                                       "reason": "the warehouse packs them apart"},
                                 headers=platform.staff | {"Idempotency-Key": unique("rr")})
    assert (r.status_code, r.json()["status"]) == (202, "intercepting"), r.text

    async def stop_it() -> httpx.Response:
        return await wms.post(f"/sim/dispatches/{first['dispatch_number']}", json={"outcome": "intercept_ok"})
    await eventually(stop_it, lambda r: r.status_code == 202, 30, "the warehouse asked to intercept")

    parts = await eventually(shipments, lambda items: sorted(s["status"] for s in items) == ["dispatched"] * 2,
                             30, "two new parcels dispatched")  # the old one holds nothing now
    assert [[ln["quantity"] for ln in p["lines"]] for p in parts] == [[1], [1]]
    assert first["id"] not in {p["id"] for p in parts}
    for part in parts:
        assert (await wms.post(f"/sim/dispatches/{part['dispatch_number']}", json={"outcome": "ship"})).status_code \
            == 202
        for event in ("picked_up", "signed"):
            assert (await tms.post(f"/sim/waybills/{part['waybill']}", json={"event": event})).status_code == 202
    done = await platform.wait_order(order["id"], lambda o: o["status"] == "completed", "both parcels received",
                                     timeout=60)
    assert sorted(s["status"] for s in done["shipments"]) == ["cancelled", "signed", "signed"]
    [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    assert (row["on_hand"], row["reserved"]) == (3, 0)
