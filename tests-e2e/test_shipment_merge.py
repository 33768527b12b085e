"""Staff merge held shipments by hand, through the gateway and the whole stack (issue 11: "staff may
merge held shipments by hand"): two paid orders of one buyer to one address, paid more than the
merge window apart (FULFILLMENT_MERGE_WINDOW_SECONDS, short in the test stack) so they were not
merged by themselves — each worth more than the review threshold, so each waits in review instead
of being dispatched at once — are merged by staff into one shipment; once approved the one parcel
is dispatched, shipped and signed for through the warehouse (WMS) and carrier (TMS) simulators,
both orders follow it to shipped and completed, and each SKU's shipped unit leaves stock once."""

from datetime import UTC, datetime

from platform_client import auth, eventually, line, order_body, unique

HIGH_VALUE = 2_100_000  # above fulfillment's high-value threshold (2,000,000): the shipment waits for review


class Buyer:
    """One buyer ordering to one receiver, and what staff see of the shipments."""

    def __init__(self, platform) -> None:
        self.platform, self.id = platform, unique("buyer")
        self.receiver = {"name": "Li Lei", "phone": unique("138"), "region": "east", "city": "Shanghai",
                         "address": unique("1 Nanjing Rd")}

    async def paid(self, sku: str) -> dict:
        order = await self.platform.placed(self.id, order_body([line(sku, 1)], receiver=self.receiver))
        payment = await self.platform.start_payment(self.id, order["id"])
        await self.platform.psp_decides(payment["psp_reference"], "succeed")
        return order

    async def shipment(self, shipment_id: str) -> dict:
        r = await self.platform.http.get(f"/fulfillment/shipments/{shipment_id}", headers=self.platform.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def held(self, order_id: str) -> dict:
        """The order's one shipment, once planned: waiting in review."""
        async def shipments() -> list[dict]:
            r = await self.platform.http.get("/fulfillment/shipments", params={"order_id": order_id},
                                             headers=self.platform.staff)
            assert r.status_code == 200, r.text
            return r.json()["items"]
        [s] = await eventually(shipments, lambda items: len(items) == 1, 30, f"order {order_id}'s shipment planned")
        assert (s["status"], s["flags"]) == ("pending_review", ["high_value"])
        return s

    async def shipment_in(self, shipment_id: str, status: str) -> dict:
        return await eventually(lambda: self.shipment(shipment_id), lambda s: s["status"] == status, 30,
                                f"shipment {shipment_id} {status}")


async def _now() -> datetime:
    return datetime.now(UTC)


async def test_staff_merge_two_held_orders_into_one_parcel_that_ships_and_both_orders_complete(platform, wms, tms):
    buyer, warehouse, merchant = Buyer(platform), unique("WH-M"), unique("m-merge")
    sku_a = await platform.product(merchant, HIGH_VALUE, on_hand=5, warehouse=warehouse)
    sku_b = await platform.product(merchant, HIGH_VALUE, on_hand=5, warehouse=warehouse)
    first = await buyer.paid(sku_a)
    target = await buyer.held(first["id"])
    window_end = datetime.fromisoformat(target["dispatch_after"])
    await eventually(_now, lambda now: now > window_end, 30, "the first shipment's merge window to pass")
    second = await buyer.paid(sku_b)
    other = await buyer.held(second["id"])
    assert other["id"] != target["id"] and datetime.fromisoformat(other["planned_at"]) > window_end

    body = {"shipments": [other["id"]], "note": "the buyer asked for one parcel"}
    as_buyer = await platform.http.post(f"/fulfillment/shipments/{target['id']}/merge", json=body,
                                        headers=auth(buyer.id, "buyer") | {"Idempotency-Key": unique("merge")})
    assert as_buyer.status_code == 403, as_buyer.text
    r = await platform.http.post(f"/fulfillment/shipments/{target['id']}/merge", json=body,
                                 headers=platform.staff | {"Idempotency-Key": unique("merge")})
    assert r.status_code == 200, r.text
    merged = r.json()
    assert (merged["status"], merged["order_ids"], sorted(ln["sku"] for ln in merged["lines"])) == (
        "pending_review", [first["id"], second["id"]], sorted([sku_a, sku_b]))  # 4.2 M together: still reviewed
    gone = await buyer.shipment(other["id"])
    assert (gone["status"], gone["lines"], gone["events"][-1]["detail"]) == (
        "cancelled", [], f"merged into {target['id']}: the buyer asked for one parcel")
    tracked = await platform.wait_order(second["id"], lambda o: {s["id"]: s["status"] for s in o["shipments"]} == {
        other["id"]: "cancelled", target["id"]: "pending_review"}, "the second order told where its goods went")
    assert [s["lines"] for s in tracked["shipments"] if s["id"] == target["id"]] == [
        [{"line_id": tracked["sub_orders"][0]["lines"][0]["id"], "quantity": 1}]]

    approved = await platform.http.post(f"/fulfillment/shipments/{target['id']}/approve", json={"note": "checked"},
                                        headers=platform.staff | {"Idempotency-Key": unique("approve")})
    assert approved.json()["status"] == "ready", approved.text
    parcel = await buyer.shipment_in(target["id"], "dispatched")  # due at once: staff merged it deliberately
    decided = await wms.post(f"/sim/dispatches/{parcel['dispatch_number']}", json={"outcome": "ship"})
    assert decided.status_code == 202, decided.text
    await buyer.shipment_in(target["id"], "shipped")
    for order in (first, second):
        await platform.wait_order(order["id"], lambda o: o["status"] == "shipped", "the order shipped")
    for event in ("picked_up", "in_transit", "out_for_delivery", "signed"):
        told = await tms.post(f"/sim/waybills/{parcel['waybill']}", json={"event": event})
        assert told.status_code == 202, told.text
    await buyer.shipment_in(target["id"], "signed")
    for order in (first, second):  # receipt confirmed for the buyer ORDER_AUTO_CONFIRM_SECONDS after signing
        done = await platform.wait_order(order["id"], lambda o: o["status"] == "completed", "completed", timeout=60)
        assert {s["id"]: s["status"] for s in done["shipments"]}[target["id"]] == "signed"
    for sku in (sku_a, sku_b):
        [row] = [w for w in (await platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
        assert (row["on_hand"], row["reserved"]) == (4, 0)
