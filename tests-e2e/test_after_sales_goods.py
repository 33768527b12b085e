"""After-sales goods through the gateway and the whole stack (issue 12, "Prove it"): an exchange
reserves its replacement, takes the return back and ships the replacement; a refunded course is
revoked; a completed order's window closes; a return parcel that never comes closes its case.
After every scenario: stock on hand = initial − shipped + restocked with nothing left reserved,
and the money agrees.

Timing (the Makefile's SHORT_DEADLINES): virtual orders' after-sales window is
AFTER_SALES_WINDOW_SECONDS_BY_TYPE=virtual=… seconds and the return deadline
AFTER_SALES_RETURN_DEADLINE_SECONDS, so both can pass within a test."""

import os

import pytest
from after_sales_desk import Desk, line, problem, the_line
from platform_client import auth, eventually

RETURN_DEADLINE = float(os.environ.get("AFTER_SALES_RETURN_DEADLINE_SECONDS", "604800"))
SHORT = RETURN_DEADLINE <= 120


@pytest.fixture
def desk(platform, wms, tms) -> Desk:
    return Desk(platform, wms, tms)


async def test_an_exchange_reserves_the_replacement_takes_the_return_and_ships_it(desk):
    sku, warehouse = await desk.sku("m-ex1", 1500)
    order = await desk.paid(line(sku, 1))
    await desk.delivered(order["id"])
    line_id = the_line(order, sku)["id"]

    case = await desk.opened(order["id"], "exchange", (line_id, 1), reason="wrong size")
    assert case["refund_amount"] == 0 and case["lines"][0]["replacement"]["sku"] == sku
    await desk.staff_did(case["id"], "approve")
    await desk.case_in(case["id"], "awaiting_return")
    await desk.stock_is(sku, warehouse, shipped=1, reserved=1)  # the replacement is held for the buyer
    await desk.parcel_sent(case["id"])
    await desk.warehouse_inspects(case["id"], "inspect_ok")
    shipping = await desk.case_in(case["id"], "replacement_shipping")

    replacement = await eventually(lambda: desk.shipment(shipping["replacement_shipment_id"]),
                                   lambda s: s["status"] == "dispatched", 45, "the replacement dispatched") \
        if shipping["replacement_shipment_id"] else await _the_replacement(desk, order["id"], case["id"])
    r = await desk.wms.post(f"/sim/dispatches/{replacement['dispatch_number']}", json={"outcome": "ship"})
    assert r.status_code == 202, r.text
    shipped = await eventually(lambda: desk.shipment(replacement["id"]), lambda s: s["waybill"], 45, "a waybill")
    await desk.carrier(shipped["waybill"], "signed")
    done = await desk.case_in(case["id"], "completed")
    assert done["refunded_amount"] in (None, 0)
    await desk.money_agrees(order["id"], 0)
    await desk.stock_is(sku, warehouse, shipped=2, restocked=1)  # one out, back, and its replacement out
    tracked = await desk.platform.order(order["id"])
    assert tracked["status"] == "completed"  # the replacement is the case's parcel, not the order's


async def _the_replacement(desk: Desk, order_id: str, case_id: str) -> dict:
    items = await eventually(lambda: desk.shipments(order_id),
                             lambda xs: any(s.get("case_id") == case_id and s["status"] == "dispatched" for s in xs),
                             45, "the case's replacement shipment dispatched")
    return next(s for s in items if s.get("case_id") == case_id)


async def test_a_refunded_course_is_revoked(desk, platform):
    order, line_id = await desk.course_completed(9900)
    problem(await desk.open(order["id"], "return_and_refund", (line_id, 1)), 422, "virtual-goods-refund-only")

    case = await desk.opened(order["id"], "refund_only", (line_id, 1), reason="not what I expected")
    await desk.staff_did(case["id"], "approve")
    finished = await desk.case_in(case["id"], "completed")
    assert finished["refunded_amount"] == 9900
    await desk.money_agrees(order["id"], 9900)
    mine = await platform.http.get("/entitlements", headers=auth(desk.buyer, "buyer"))
    [course_access] = mine.json()["items"]
    assert course_access["status"] == "revoked"
    closed = await desk.order_in(order["id"], "closed")  # every line refunded in full
    assert closed["payment_status"] == "refunded"


@pytest.mark.skipif(not SHORT, reason="needs the short after-sales deadlines of `make test`")
async def test_a_completed_orders_window_closes(desk):
    order, line_id = await desk.course_completed(5000)
    # An exchange of a course is refused for what it is while the window is open (422), and for the
    # window once it closed (409): asking it opens no case either way.
    open_still = await desk.open(order["id"], "exchange", (line_id, 1))
    problem(open_still, 422, "virtual-goods-refund-only")
    expired = await eventually(lambda: desk.open(order["id"], "exchange", (line_id, 1)),
                               lambda r: r.status_code != 422, 60, "the window closed")
    problem(expired, 409, "window-expired")
    problem(await desk.open(order["id"], "refund_only", (line_id, 1)), 409, "window-expired")


@pytest.mark.skipif(not SHORT, reason="needs the short after-sales deadlines of `make test`")
async def test_a_return_parcel_that_never_comes_closes_the_case_and_frees_the_units(desk):
    sku, warehouse = await desk.sku("m-as-exp", 600)
    order = await desk.paid(line(sku, 1))
    await desk.delivered(order["id"])
    line_id = the_line(order, sku)["id"]
    case = await desk.opened(order["id"], "return_and_refund", (line_id, 1))
    await desk.staff_did(case["id"], "approve")
    await desk.case_in(case["id"], "awaiting_return")
    closed = await desk.case_in(case["id"], "closed_expired", timeout=RETURN_DEADLINE + 45)
    assert closed["refunded_amount"] is None
    again = await desk.opened(order["id"], "return_and_refund", (line_id, 1))  # its unit is claimable again
    assert again["status"] == "requested"
    await desk.money_agrees(order["id"], 0)
    await desk.stock_is(sku, warehouse, shipped=1)
