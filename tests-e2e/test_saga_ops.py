"""Ops see every saga the same way, through the gateway: `/ops/order/sagas…` (staff only)."""

from platform_client import auth, line, order_body, unique


async def test_staff_follow_an_order_saga_from_placement_to_hand_over(platform):
    sku, buyer = await platform.product("m1", 1200, on_hand=5, prefix="SKU-S"), unique("buyer")
    placed = await platform.place(buyer, order_body([line(sku)]))
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    payment = await platform.start_payment(buyer, order_id)
    await platform.psp_decides(payment["psp_reference"], "succeed")
    await platform.wait_order(order_id, lambda o: o["status"] == "awaiting_shipment", "paid")

    r = await platform.http.get(f"/ops/order/sagas/{order_id}", headers=platform.staff)
    assert r.status_code == 200, r.text
    saga = r.json()
    assert (saga["name"], saga["step"], saga["state"], saga["attention"]) == ("order", "handed_over", "completed", None)
    assert [m["to_step"] for m in saga["history"]] == ["reserving", "awaiting_payment", "handed_over"]
    assert saga["history"][-1]["cause"] == "payment.succeeded"

    listed = await platform.http.get("/ops/order/sagas", params={"state": "completed", "limit": 100},
                                     headers=platform.staff)
    assert listed.status_code == 200, listed.text
    assert all(s["state"] == "completed" for s in listed.json()["items"])
    definitions = await platform.http.get("/ops/order/sagas/definitions", headers=platform.staff)
    [order_saga] = [d for d in definitions.json()["items"] if d["name"] == "order"]
    assert [s["name"] for s in order_saga["steps"]] == [
        "reserving", "held", "awaiting_payment", "closing_payment", "handed_over", "cancelling", "cancelled"]
    assert order_saga["steps"][2]["deadline_seconds"] > 0 and order_saga["steps"][4]["ends"] == "completed"


async def test_sagas_are_for_staff_only_and_bad_filters_are_named(platform):
    buyer = await platform.http.get("/ops/order/sagas", headers=auth("buyer-x", "buyer"))
    assert buyer.status_code == 403 and buyer.headers["content-type"].startswith("application/problem+json")
    bad = await platform.http.get("/ops/order/sagas", params={"state": "sleeping"}, headers=platform.staff)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "state"
    missing = await platform.http.get("/ops/order/sagas/ord_nope", headers=platform.staff)
    assert missing.status_code == 404 and missing.json()["type"].endswith("saga-not-found")
