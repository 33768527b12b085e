"""A part stop through the whole stack (issue 12: "before shipment refund_only … stops that line's
shipment … or, if the parcel can no longer be stopped, the case says so and becomes a return").

A line of 3 units ships from two warehouses (2 + 1) in two parcels, both dispatched, none shipped.
The buyer asks a refund_only for all 3, staff approve; the warehouse stops the parcel of 1 unit
and cannot stop the parcel of 2, which ships and is signed for. The case keeps the stopped unit
(refunded by the order, to the cent) and completes; the 2 units going on continue in a new
return_and_refund case, opened by the system for the same buyer, already approved, linked both
ways, awaiting its return — the buyer sends it, the warehouse receives and inspects it ok, it is
refunded and restocked. The order's refunds add up exactly to what the line paid; stock on hand =
initial − shipped + restocked in each warehouse, nothing reserved."""

from after_sales_desk import Desk, line, the_line
from platform_client import eventually, unique

PRICE = 1001


async def dispatched_from(desk: Desk, order_id: str, warehouse: str) -> dict:
    items = await eventually(lambda: desk.shipments(order_id),
                             lambda xs: any(s["warehouse"] == warehouse and s["status"] == "dispatched" for s in xs),
                             45, f"order {order_id}'s parcel from {warehouse} dispatched")
    return next(s for s in items if s["warehouse"] == warehouse)


async def warehouse_decides(desk: Desk, dispatch_number: str, outcome: str) -> None:
    async def decide():
        return await desk.wms.post(f"/sim/dispatches/{dispatch_number}", json={"outcome": outcome})
    await eventually(decide, lambda r: r.status_code == 202, 30, f"the warehouse can answer {outcome}")


async def stock(desk: Desk, sku: str, warehouse: str) -> tuple[int, int]:
    [row] = [w for w in (await desk.platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
    return row["on_hand"], row["reserved"]


async def test_a_part_stop_refunds_the_stopped_unit_and_the_units_going_on_become_an_approved_return(
        platform, wms, tms):
    desk = Desk(platform, wms, tms)
    wh_two, wh_one = unique("WH-ps2"), unique("WH-ps1")
    sku = await platform.product(unique("m-ps"), PRICE, on_hand=2, warehouse=wh_two)
    await platform.stock(sku, wh_one, 1)  # 3 units only in two warehouses: two parcels
    order = await desk.paid(line(sku, 3))
    paid_line = the_line(order, sku)
    big, small = await dispatched_from(desk, order["id"], wh_two), await dispatched_from(desk, order["id"], wh_one)
    assert (await desk.order_in(order["id"], "awaiting_shipment"))["status"] == "awaiting_shipment"

    case = await desk.opened(order["id"], "refund_only", (paid_line["id"], 3))
    assert case["refund_amount"] == paid_line["paid_amount"]
    await desk.staff_did(case["id"], "approve")
    await warehouse_decides(desk, small["dispatch_number"], "intercept_ok")  # 1 unit stopped
    await warehouse_decides(desk, big["dispatch_number"], "intercept_fail")  # 2 units go on
    await warehouse_decides(desk, big["dispatch_number"], "ship")

    first = await desk.case_in(case["id"], "completed", timeout=60)
    assert [(ln["quantity"], ln["refund"]["amount"]) for ln in first["lines"]] == [(1, PRICE)]
    assert first["refunded_amount"] == PRICE and first["continued_by"]
    assert "split" in [h["event"] for h in first["history"]]
    rest = await desk.case_in(first["continued_by"], "awaiting_return")
    assert (rest["type"], rest["split_from"], rest["buyer_id"]) == ("return_and_refund", case["id"], desk.buyer)
    assert [(ln["line_id"], ln["quantity"]) for ln in rest["lines"]] == [(paid_line["id"], 2)]
    assert rest["refund_amount"] == paid_line["paid_amount"] - PRICE and rest["return_deadline"]
    assert rest["return_to"] == {"warehouse": wh_two}
    await desk.money_agrees(order["id"], PRICE)

    shipped = await eventually(lambda: desk.shipment(big["id"]), lambda s: s["waybill"], 45, "a waybill")
    for event in ("picked_up", "signed"):
        await desk.carrier(shipped["waybill"], event)
    await desk.parcel_sent(rest["id"])
    await desk.warehouse_inspects(rest["id"], "inspect_ok")
    done = await desk.case_in(rest["id"], "completed", timeout=60)
    assert done["refunded_amount"] == paid_line["paid_amount"] - PRICE

    order_now = await desk.money_agrees(order["id"], paid_line["paid_amount"])  # exactly what the line paid
    assert the_line(order_now, sku)["refunded_amount"] == paid_line["paid_amount"]
    await eventually(lambda: stock(desk, sku, wh_two), lambda row: row == (2, 0), 45,
                     "the 2 units shipped and returned: back on hand")  # 2 − 2 shipped + 2 restocked
    await eventually(lambda: stock(desk, sku, wh_one), lambda row: row == (1, 0), 45,
                     "the stopped unit: never shipped, released")  # 1 − 0 shipped
