"""After payment, through the gateway and the real fulfillment service: the order shows the
shipments fulfillment planned for it, and a course (virtual goods only) is granted at once and
completes the order (issue 11)."""

from platform_client import auth, line, order_body, unique


async def pay(platform, buyer: str, order: dict) -> None:
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")


async def test_a_paid_order_shows_the_shipment_fulfillment_planned_for_it(platform):
    buyer, warehouse = unique("buyer"), unique("WH-T")
    sku = await platform.product(unique("m-track"), 1800, warehouse=warehouse)
    order = await platform.placed(buyer, order_body([line(sku, 2)]))
    await pay(platform, buyer, order)
    tracked = await platform.wait_order(order["id"], lambda o: o["shipments"], "a shipment planned")
    [shipment] = tracked["shipments"]
    line_id = tracked["sub_orders"][0]["lines"][0]["id"]
    assert (shipment["warehouse"], shipment["lines"]) == (warehouse, [{"line_id": line_id, "quantity": 2}])
    assert shipment["status"] in ("ready", "pending_review", "dispatched") and shipment["events"]
    r = await platform.http.get("/fulfillment/shipments", params={"order_id": order["id"]},
                                headers=auth(buyer, "buyer"))
    assert [s["id"] for s in r.json()["items"]] == [shipment["id"]]


async def test_a_course_is_granted_at_once_and_completes_its_order(platform):
    buyer = unique("buyer")
    course = await platform.product(unique("m-course"), 9900, on_hand=0, kind="virtual")
    order = await platform.placed(buyer, order_body([line(course, 1)], type="virtual"))
    await pay(platform, buyer, order)
    done = await platform.wait_order(order["id"], lambda o: o["status"] == "completed", "the course granted")
    [granted] = [ln["entitlement_id"] for s in done["sub_orders"] for ln in s["lines"]]
    r = await platform.http.get("/entitlements", params={"account": buyer}, headers=auth(buyer, "buyer"))
    assert [(e["id"], e["sku"], e["status"]) for e in r.json()["items"]] == [(granted, course, "active")]
    assert [h["to"] for h in done["history"]][-1] == "completed" and done["shipments"] == []
