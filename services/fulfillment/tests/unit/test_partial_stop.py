"""Stopping some units of an order's line (issue 12: an after-sales refund-only case before
shipment), on in-memory ports: StopFulfillment names the units to stop in all (cumulative); the
least far along are taken first; a shipment not dispatched shrinks, one dispatched is stopped at the
warehouse and goes again with the rest, one shipped stays whole and its units go on; an
entitlement is revoked whole or not at all; lines not named are left."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import FulfillmentStopped, OrderLineRef, ShipmentPlanned, StopFulfillment
from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.app.record_report import ProviderReport, record_report
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import AT, WINDOW, shipment
from .fakes import FakeTransaction, FixedClock, collaborators, logistics

S = ShipmentStatus
POLICY = DispatchPolicy(batch=10, lease=timedelta(seconds=60), first_backoff=timedelta(seconds=2))


def line(line_id: str = "l-1", quantity: int = 3, order_id: str = "o-1") -> ShipmentLine:
    return ShipmentLine(line_id, order_id, f"{order_id}-s1", "m-1", f"SKU-{line_id}", quantity, 1000 * quantity,
                        500, 1000)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(AT + WINDOW)


async def stop(tx, clock, *lines: tuple[str, int, str]) -> FulfillmentStopped | None:
    """Stop (line id, units in all, kind); the latest answer (None while none is given)."""
    message = StopFulfillment(order_id="o-1", reason="after-sales case c-1", requested_by="after-sales:c-1",
                              requested_at=AT, lines=[OrderLineRef(line_id=i, sub_order_id="o-1-s1", sku="SKU",
                                                                   quantity=q, kind=k) for i, q, k in lines])
    await stop_fulfillment(tx, message, collaborators(clock))
    answers = [m for _, m in tx.published if isinstance(m, FulfillmentStopped)]
    return answers[-1] if answers else None


async def given(*shipments) -> FakeTransaction:
    tx = FakeTransaction()
    for s in shipments:
        await tx.shipments.add(s)
    tx.planned_orders.orders.add("o-1")
    return tx


def stopped(answer: FulfillmentStopped) -> list[tuple]:
    return [(u.line_id, u.quantity, u.shipment_id) for u in answer.stopped]


def going_on(answer: FulfillmentStopped) -> list[tuple]:
    return [(u.line_id, u.quantity, u.shipment_id, u.problem) for u in answer.going_on]


async def test_before_dispatch_the_shipment_keeps_the_units_not_stopped_and_the_order_hears_its_lines_again(clock):
    tx = await given(shipment(lines=[line(quantity=3)]))
    answer = await stop(tx, clock, ("l-1", 1, "physical"))
    s = tx.shipments.rows["shp-1"]
    assert (s.status, [(ln.line_id, ln.quantity, ln.paid_amount) for ln in s.lines]) == (S.READY, [("l-1", 2, 2000)])
    assert (stopped(answer), going_on(answer)) == ([("l-1", 1, "shp-1")], [])
    [planned] = [m for _, m in tx.published if isinstance(m, ShipmentPlanned)]
    assert [(ln.line_id, ln.quantity) for ln in planned.lines] == [("l-1", 2)]


async def test_stops_are_cumulative_and_the_whole_line_at_last_cancels_the_shipment(clock):
    tx = await given(shipment(lines=[line(quantity=3)]))
    await stop(tx, clock, ("l-1", 1, "physical"))
    second = await stop(tx, clock, ("l-1", 2, "physical"))  # one more unit: two in all
    assert sum(u.quantity for u in second.stopped) == 2
    assert [ln.quantity for ln in tx.shipments.rows["shp-1"].lines] == [1]
    again = await stop(tx, clock, ("l-1", 2, "physical"))  # a repeat stops nothing more
    assert sum(u.quantity for u in again.stopped) == 2
    assert [ln.quantity for ln in tx.shipments.rows["shp-1"].lines] == [1]
    last = await stop(tx, clock, ("l-1", 3, "physical"))
    assert tx.shipments.rows["shp-1"].status is S.CANCELLED
    assert (sum(u.quantity for u in last.stopped), going_on(last)) == (3, [])


async def test_the_units_least_far_along_are_stopped_first(clock):
    on_its_way = shipment(S.PACKED, S.PACKED, id="shp-1", lines=[line(quantity=1)])
    waiting = shipment(id="shp-2", lines=[line(quantity=1)])
    tx = await given(on_its_way, waiting)
    answer = await stop(tx, clock, ("l-1", 1, "physical"))
    assert stopped(answer) == [("l-1", 1, "shp-2")]
    assert (tx.shipments.rows["shp-2"].status, tx.shipments.rows["shp-1"].status) == (S.CANCELLED, S.PACKED)
    assert tx.shipments.rows["shp-1"].interception is None, "nothing asked of the warehouse"


async def test_part_of_a_dispatched_parcel_is_stopped_at_the_warehouse_and_the_rest_goes_again(clock):
    tx, outside = await given(shipment(S.DISPATCHED, S.DISPATCHED, lines=[line(quantity=3)])), logistics()
    assert await stop(tx, clock, ("l-1", 1, "physical")) is None, "answered once the warehouse answers"
    assert tx.shipments.rows["shp-1"].interception.cut == (("l-1", 1),)
    assert await intercept_due(tx, outside, clock, POLICY) == 1 and outside.warehouse.intercepts == ["shp-1-1"]
    await record_report(tx, ProviderReport("wms", "evt-1", "intercepted", "shp-1", "shp-1-1", AT), AT)
    s = tx.shipments.rows["shp-1"]
    assert (s.status, [ln.quantity for ln in s.lines]) == (S.INTERCEPTED, [2])
    answer = [m for _, m in tx.published if isinstance(m, FulfillmentStopped)][-1]
    assert (stopped(answer), going_on(answer)) == ([("l-1", 1, "shp-1")], [])
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    assert [(i.dispatch_number, [ln.quantity for ln in i.lines]) for i in outside.warehouse.received] == [
        ("shp-1-2", [2])], "the rest goes again under a new number"


async def test_part_of_a_parcel_the_warehouse_cannot_stop_goes_on_and_the_carrier_is_not_asked(clock):
    tx, outside = await given(shipment(S.PACKED, S.PACKED, lines=[line(quantity=3)])), logistics()
    await stop(tx, clock, ("l-1", 1, "physical"))
    outside.warehouse.refuse = "409 dispatch_already_shipped"
    await intercept_due(tx, outside, clock, POLICY)
    answer = [m for _, m in tx.published if isinstance(m, FulfillmentStopped)][-1]
    assert going_on(answer) == [("l-1", 1, "shp-1", "intercept-failed")]
    assert outside.carriers.intercepts == [] and [ln.quantity for ln in tx.shipments.rows["shp-1"].lines] == [3]


async def test_part_of_a_shipped_parcel_is_not_stopped_and_goes_on_saying_why(clock):
    tx = await given(shipment(S.IN_TRANSIT, S.IN_TRANSIT, lines=[line(quantity=3)]))
    answer = await stop(tx, clock, ("l-1", 1, "physical"))
    assert (stopped(answer), going_on(answer)) == ([], [("l-1", 1, "shp-1", "partial-parcel-on-its-way")])
    assert "a carrier stops a whole parcel" in answer.going_on[0].detail
    s = tx.shipments.rows["shp-1"]
    assert (s.status, [ln.quantity for ln in s.lines], s.interception) == (S.IN_TRANSIT, [3], None)


async def test_lines_not_named_stay_in_the_shipment(clock):
    tx = await given(shipment(lines=[line("l-1", 1), line("l-2", 2)]))
    answer = await stop(tx, clock, ("l-1", 1, "physical"))
    assert stopped(answer) == [("l-1", 1, "shp-1")]
    s = tx.shipments.rows["shp-1"]
    assert (s.status, [(ln.line_id, ln.quantity) for ln in s.lines]) == (S.READY, [("l-2", 2)])


async def test_an_entitlement_is_revoked_whole_or_not_at_all(clock):
    tx = await given()
    course = Entitlement.grant("ent-1", account="b-1", sku="COURSE", order_id="o-1", sub_order_id="o-1-s1",
                               line_id="v", quantity=2, at=AT)
    await tx.entitlements.add([course])
    part = await stop(tx, clock, ("v", 1, "virtual"))
    assert going_on(part) == [("v", 1, None, "partial-entitlement")] and course.active
    whole = await stop(tx, clock, ("v", 2, "virtual"))
    assert [(u.line_id, u.quantity, u.entitlement_id) for u in whole.stopped] == [("v", 2, "ent-1")]
    assert not course.active


async def test_the_orders_own_cancellation_stops_every_unit_as_before(clock):
    tx = await given(shipment(S.PACKED, S.PACKED, id="shp-1", lines=[line(quantity=1)]),
                     shipment(id="shp-2", lines=[line(quantity=2)]))
    assert await stop(tx, clock, ("l-1", 3, "physical")) is None, "answered once the warehouse answers"
    assert tx.shipments.rows["shp-2"].status is S.CANCELLED
    assert tx.shipments.rows["shp-1"].status is S.INTERCEPTING, "the parcel on its way is asked of the warehouse"
    assert timedelta(0) < tx.shipments.rows["shp-1"].interception.deadline - clock.now()
    assert list(tx.stops.rows["o-1"].waiting) == ["shp-1"]
