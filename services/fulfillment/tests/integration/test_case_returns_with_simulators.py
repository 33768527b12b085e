"""After-sales with the REAL warehouse and carrier simulators over HTTP (issue 12): ExpectReturn
is registered with the warehouse by the returns job (again with the waybill once known; a
warehouse down for a while loses nothing), its signed webhooks publish ReturnReceived and
ReturnInspected once each — an inspection arriving first implies the receipt, duplicates change
nothing — and units inspected ok are restocked once through the shipment that carried them; an
exchange's replacement ships as the case's own shipments, deducting under the case; part of a
dispatched parcel is stopped at the warehouse and the rest dispatched again."""

from datetime import UTC, datetime, timedelta

from tradeflow_contracts.after_sales import ShipReplacement
from tradeflow_contracts.fulfillment import OrderLineRef, StopFulfillment
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.app.ship_replacement import ship_replacement
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_testing.access import bearer

from .case_return_calls import at_warehouse, decide, expect, register, shipped
from .conftest import RECEIVER, goods
from .simulated import POLICY, STAFF, ShiftedClock, Stack, simulated_stack  # noqa: F401 — the `stack` fixture

RECEIVED, INSPECTED = "fulfillment.return-received", "fulfillment.return-inspected"
RESTOCK = "inventory.restock-returned"
BUYER = bearer("buyer-1", "buyer")


async def test_a_return_is_registered_then_its_waybill_and_inspected_ok_it_is_restocked_once(stack: Stack):
    shipment = await shipped(stack)
    await expect(stack, "c-1")
    assert await register(stack) == 1
    assert (await at_warehouse(stack, "c-1"))["status"] == "expected"
    await expect(stack, "c-1")  # an identical repeat: nothing to send
    assert await register(stack) == 0
    await expect(stack, "c-1", waybill="SF-R1")
    assert await register(stack) == 1
    assert (await at_warehouse(stack, "c-1"))["waybill"] == "SF-R1"

    delivered = await decide(stack, "c-1", "inspect_ok", note="as new")  # received and inspected at once
    assert [(d["type"], d["attempts"][-1]["status_code"]) for d in delivered] == [
        ("case_return_received", 200), ("case_return_inspected", 200)]
    [(key, received)] = await stack.messages(RECEIVED)
    [(_, inspected)] = await stack.messages(INSPECTED)
    assert (key, received["case_id"], received["warehouse"]) == ("o-1", "c-1", "WH-1")
    assert (inspected["outcome"], inspected["note"], inspected["lines"]) == (
        "ok", "as new", [{"line_id": "a", "sku": "SKU-a", "quantity": 1}])
    [(key, restock)] = await stack.messages(RESTOCK)
    assert (key, restock["shipment_id"], restock["return_id"]) == (shipment["id"], shipment["id"], "case-c-1")
    assert restock["lines"] == [{"order_id": "o-1", "sub_order_id": "o-1-m-1", "line_id": "a", "sku": "SKU-a",
                                 "warehouse": "WH-1", "quantity": 1}]
    view = (await stack.http.get("/fulfillment/returns/c-1", headers=STAFF)).json()
    assert (view["status"], view["waybill"], view["registration"]["registered"], view["registration_due_at"]) == (
        "inspected_ok", "SF-R1", True, None)
    assert [(r["shipment_id"], r["quantity"]) for r in view["restocks"]] == [(shipment["id"], 1)]
    assert (await stack.http.get("/fulfillment/returns/c-none", headers=STAFF)).status_code == 404
    assert (await stack.http.get("/fulfillment/returns/c-1", headers=BUYER)).status_code == 403


async def test_duplicate_and_out_of_order_reports_of_a_failed_inspection_publish_each_fact_once(stack: Stack):
    await shipped(stack)
    await expect(stack, "c-2", waybill="SF-R2", quantity=2)
    assert await register(stack) == 1
    delivered = await decide(stack, "c-2", "inspect_fail", note="used", duplicate=True, out_of_order=True)
    assert [d["type"] for d in delivered] == ["case_return_inspected"] * 2 + ["case_return_received"] * 2
    assert all(d["attempts"][-1]["status_code"] == 200 for d in delivered)
    assert [p["case_id"] for _, p in await stack.messages(RECEIVED)] == ["c-2"]
    assert [(p["outcome"], p["note"]) for _, p in await stack.messages(INSPECTED)] == [("failed", "used")]
    assert await stack.messages(RESTOCK) == [], "a failed inspection restocks nothing"


async def test_a_warehouse_down_for_a_while_gets_the_return_once_it_is_back(stack: Stack):
    await shipped(stack)
    await stack.wms_sim.stop()
    await expect(stack, "c-3", waybill="SF-R3")
    assert await register(stack) == 1  # tried, the warehouse unreachable: backed off
    assert await register(stack) == 0
    [listed] = (await stack.http.get("/fulfillment/returns", params={"order_id": "o-1"}, headers=STAFF)).json()["items"]
    assert (listed["case_id"], listed["registration"]["tries"]) == ("c-3", 1)
    assert "the warehouse is unreachable" in listed["registration"]["last_error"]
    await stack.wms_sim.start()
    assert await register(stack, POLICY.backoff(1) + timedelta(seconds=1)) == 1
    held = await at_warehouse(stack, "c-3")
    assert (held["status"], held["waybill"]) == ("expected", "SF-R3")
    assert await register(stack, timedelta(hours=1)) == 0, "registered: nothing due any more"


async def _ship_replacement(stack: Stack, case_id: str) -> None:
    transactions, _, _, _ = stack.app.state.dispatcher
    message = ShipReplacement(case_id=case_id, order_id="o-1", buyer_id="buyer-1", merchant_id="m-1",
                              receiver=RECEIVER, lines=[{"line_id": "a", "sku": "SKU-a", "quantity": 3}],
                              warehouses=[{"code": "WH-1", "quantity": 2}, {"code": "WH-2", "quantity": 1}])
    async with transactions.begin() as tx:
        await ship_replacement(tx, message, stack.app.state.api.collaborators)


async def test_a_replacement_ships_as_the_cases_own_shipments_and_deducts_under_the_case(stack: Stack):
    await stack.plan("o-2", ("m-1", [goods("b")]))  # the buyer's other order waits in its merge window
    await _ship_replacement(stack, "c-4")
    await _ship_replacement(stack, "c-4")  # a repeat: nothing new
    found = (await stack.http.get("/fulfillment/shipments", params={"case_id": "c-4"}, headers=STAFF)).json()
    by_warehouse = {s["warehouse"]: s for s in found["items"]}
    assert sorted(by_warehouse) == ["WH-1", "WH-2"]
    assert [ln["quantity"] for ln in by_warehouse["WH-1"]["lines"]] == [2]
    assert all(s["case_id"] == "c-4" and s["sub_order_ids"] == ["c-4"] for s in found["items"])
    planned = [p for _, p in await stack.messages("fulfillment.shipment-planned") if p["case_id"] == "c-4"]
    assert sorted(p["warehouse"] for p in planned) == ["WH-1", "WH-2"] and {p["merged"] for p in planned} == {False}
    assert await stack.dispatch(timedelta(seconds=1)) == 2, "due at once, the other order still in its window"
    shipment = await stack.shipment(by_warehouse["WH-1"]["id"])
    await stack.wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
    await stack.wait_status(shipment["id"], "shipped")
    [(key, deduct)] = await stack.messages("inventory.deduct-stock")
    assert (key, deduct["lines"]) == (shipment["id"], [{"order_id": "o-1", "sub_order_id": "c-4", "line_id": "a",
                                                        "sku": "SKU-a", "warehouse": "WH-1", "quantity": 2}])
    changes = [p for _, p in await stack.messages("fulfillment.shipment-status-changed")
               if p["shipment_id"] == shipment["id"]]
    assert [p["to_status"] for p in changes] == ["dispatched", "picked", "packed", "shipped"]
    assert {p["case_id"] for p in changes} == {"c-4"}


async def test_part_of_a_dispatched_parcel_is_stopped_at_the_warehouse_and_the_rest_dispatched_again(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a", 3)]))
    await stack.dispatch()
    transactions, logistics, _, _ = stack.app.state.dispatcher
    message = StopFulfillment(order_id="o-1", reason="after-sales case c-5", requested_by="after-sales",
                              requested_at=datetime.now(UTC), lines=[OrderLineRef(
                                  line_id="a", sub_order_id="o-1-m-1", sku="SKU-a", quantity=1, kind="physical")])
    async with transactions.begin() as tx:
        await stop_fulfillment(tx, message, stack.app.state.api.collaborators)
    assert await intercept_due(transactions, logistics, ShiftedClock(), POLICY) == 1
    decided = await stack.wms.post(f"/sim/dispatches/{shipment_id}-1", json={"outcome": "intercept_ok"})
    assert decided.status_code == 202, decided.text
    s = await stack.wait_status(shipment_id, "intercepted")
    assert [ln["quantity"] for ln in s["lines"]] == [2]
    [(_, answer)] = await stack.messages("fulfillment.fulfillment-stopped")
    assert [(u["line_id"], u["quantity"]) for u in answer["stopped"]] == [("a", 1)] and answer["going_on"] == []
    assert await stack.dispatch() == 1
    key = stack.settings.wms_api_key.get_secret_value()
    again = (await stack.wms.get(f"/wms/dispatches/{shipment_id}-2", headers={"Authorization": f"Bearer {key}"}))
    assert [ln["quantity"] for ln in again.json()["lines"]] == [2], "the rest goes again under a new number"
