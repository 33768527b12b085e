"""A stop that reaches fulfillment before the order's `order.paid` (fulfillment restarted and read
its commands first): the units asked are stopped and answered at once, and the later plan ships
only the rest — nothing for a whole-order stop, the other units for an after-sales case's."""

from tradeflow_contracts.fulfillment import FulfillmentStopped
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_fulfillment.domain.paid import less_stopped

from .builders import line, paid
from .fakes import FakeTransaction, FixedClock, collaborators
from .test_plan_fulfillment import COURSE, GOODS, order_paid
from .test_stop_fulfillment import stop_message

WHOLE = (("l-p", "o-1-s1", 2, "physical"), ("l-v", "o-1-s1", 1, "virtual"))


async def stop_then_pay(*requests) -> FakeTransaction:
    tx, c = FakeTransaction(), collaborators(FixedClock())
    for lines in requests:
        await tx_stop(tx, c, lines)
    await plan_fulfillment(tx, order_paid("o-1", GOODS, COURSE), c)
    return tx


async def tx_stop(tx, c, lines) -> None:
    await stop_fulfillment(tx, stop_message("o-1", lines=lines), c)


def answers(tx) -> list[list[tuple]]:
    return [[(u.line_id, u.quantity, u.shipment_id) for u in m.stopped] + [(u.line_id, u.quantity, u.problem)
                                                                            for u in m.going_on]
            for _, m in tx.published if isinstance(m, FulfillmentStopped)]


async def test_a_whole_order_stop_before_the_plan_is_answered_at_once_and_the_plan_ships_nothing():
    tx = await stop_then_pay(WHOLE)
    assert answers(tx) == [[("l-p", 2, None), ("l-v", 1, None)]]
    assert (tx.shipments.rows, tx.entitlements.rows) == ({}, [])
    assert tx.types() == ["fulfillment.fulfillment-stopped"]


async def test_a_partial_stop_before_the_plan_stops_its_units_and_the_rest_ships_and_is_granted():
    tx = await stop_then_pay((("l-p", "o-1-s1", 1, "physical"),))
    assert answers(tx) == [[("l-p", 1, None)]]
    [shipment] = tx.shipments.rows.values()
    [entitlement] = tx.entitlements.rows
    assert [(ln.line_id, ln.quantity, ln.paid_amount) for ln in shipment.lines] == [("l-p", 1, 1000)]
    assert (entitlement.line_id, entitlement.quantity) == ("l-v", 1)
    assert tx.types() == ["fulfillment.fulfillment-stopped", "fulfillment.entitlement-granted",
                          "fulfillment.shipment-planned"]


async def test_a_stop_naming_only_the_course_before_the_plan_leaves_the_goods_to_ship():
    tx = await stop_then_pay((("l-v", "o-1-s1", 1, "virtual"),))
    assert answers(tx) == [[("l-v", 1, None)]]
    [shipment] = tx.shipments.rows.values()
    assert ([(ln.line_id, ln.quantity) for ln in shipment.lines], tx.entitlements.rows) == ([("l-p", 2)], [])


async def test_a_second_request_before_the_plan_counts_cumulatively():
    tx = await stop_then_pay((("l-p", "o-1-s1", 1, "physical"),), (("l-p", "o-1-s1", 2, "physical"),))
    assert answers(tx) == [[("l-p", 1, None)], [("l-p", 2, None)]]
    assert tx.shipments.rows == {}


async def test_planning_and_a_stop_take_the_same_order_lock():
    tx = await stop_then_pay((("l-p", "o-1-s1", 1, "physical"),))
    assert tx.pre_sale_arrivals.locked == ["o-1", "o-1"]


def test_stopped_units_leave_the_last_warehouse_shares_first_and_empty_lines_go():
    order = paid(line("l-1", 5, warehouses=(("WH-1", 3), ("WH-2", 2))), line("l-2", 1))
    left = less_stopped(order, {"l-1": 3, "l-2": 1})
    [sub] = left.sub_orders
    [only] = sub.lines
    assert (only.line_id, only.quantity, only.warehouses) == ("l-1", 2, (("WH-1", 2),))
    assert only.paid_amount == order.sub_orders[0].lines[0].paid_amount * 2 // 5
    assert less_stopped(order, {}) is order
    assert less_stopped(order, {"l-1": 5, "l-2": 1}).sub_orders == ()
