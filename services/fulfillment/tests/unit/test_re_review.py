"""Re-review on in-memory ports: a new receiver at once before dispatch; after dispatch the
warehouse stops the shipment first and it goes again under a new dispatch number with a new
waybill (the old one voided at the carrier); on its way already it is refused; an interception
that fails leaves it going to the old receiver."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.app.re_review_shipment import re_review_shipment
from tradeflow_fulfillment.app.record_report import ProviderReport, record_report
from tradeflow_fulfillment.domain.errors import ReReviewRefused
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, RECEIVER, WINDOW, shipment
from .fakes import FakeTransaction, FixedClock, collaborators, logistics

S, E = ShipmentStatus, ShipmentEvent
POLICY = DispatchPolicy(batch=10, lease=timedelta(seconds=60))
WEST = replace(RECEIVER, region="west", city="Chengdu", address="9 Jinli St")  # carrier rules: WH-1 west → YTO


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(AT + WINDOW)


async def re_review(tx, clock, receiver=WEST):
    return await re_review_shipment(tx, collaborators(clock), "shp-1", receiver, "moved house", "staff:s-1")


async def test_before_dispatch_the_receiver_and_carrier_change_at_once(clock):
    tx = FakeTransaction()
    await tx.shipments.add(shipment())
    s, at_once = await re_review(tx, clock)
    assert (at_once, s.status, s.receiver, s.carrier, s.interception) == (True, S.READY, WEST, "YTO", None)
    assert [h.event for h in s.history][-2:] == [E.RE_REVIEW, E.RE_REVIEW]


async def test_dispatched_is_stopped_then_goes_again_under_a_new_number_and_waybill(clock):
    tx, outside = FakeTransaction(), logistics()
    await tx.shipments.add(shipment(S.PACKED, S.PACKED))
    s, at_once = await re_review(tx, clock)
    assert (at_once, s.status, s.receiver) == (False, S.INTERCEPTING, RECEIVER)  # nothing changes before it stops
    await intercept_due(tx, outside, clock, POLICY)
    assert outside.warehouse.intercepts == ["shp-1-1"]
    await record_report(tx, ProviderReport("wms", "evt-1", "intercepted", "shp-1", "shp-1-1", AT), AT)
    assert (s.status, s.receiver, s.carrier, s.waybill) == (S.INTERCEPTED, WEST, "YTO", None)
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    assert outside.carriers.cancelled == ["WB-1"]
    [request] = outside.carriers.requests
    [instruction] = outside.warehouse.received
    assert (request.receiver, request.carrier) == (WEST, "YTO")
    assert (instruction.dispatch_number, instruction.receiver, instruction.waybill) == ("shp-1-2", WEST, s.waybill)
    assert (s.status, s.dispatch_numbers) == (S.DISPATCHED, ("shp-1-1", "shp-1-2"))
    assert [h.event for h in s.history if h.applied].count(E.REDISPATCH) == 1


async def test_an_interception_that_fails_leaves_it_going_to_the_old_receiver(clock):
    tx, outside = FakeTransaction(), logistics()
    await tx.shipments.add(shipment(S.DISPATCHED, S.DISPATCHED))
    s, _ = await re_review(tx, clock)
    await intercept_due(tx, outside, clock, POLICY)
    await record_report(tx, ProviderReport("wms", "evt-1", "intercept_failed", "shp-1", "shp-1-1", AT), AT)
    assert (s.status, s.receiver, s.dispatch_numbers, s.interception) == (S.INTERCEPT_FAILED, RECEIVER,
                                                                          ("shp-1-1",), None)


@pytest.mark.parametrize("status", [S.SHIPPED, S.SIGNED, S.CANCELLED])
async def test_on_its_way_or_done_it_is_refused(clock, status):
    tx = FakeTransaction()
    await tx.shipments.add(shipment(status, status if status is not S.CANCELLED else None))
    with pytest.raises(ReReviewRefused):
        await re_review(tx, clock)


async def test_while_a_dispatch_is_under_way_it_is_refused_for_a_moment(clock):
    tx = FakeTransaction()
    await tx.shipments.add(shipment())
    tx.shipments.rows["shp-1"].begin_dispatch(clock.now(), POLICY.lease)
    with pytest.raises(ReReviewRefused, match="being dispatched right now"):
        await re_review(tx, clock)


TWO_LINES = [ShipmentLine("l-1", "o-1", "o-1-s1", "m-1", "SKU-A", 3, 1000, 500, 1000),
             ShipmentLine("l-2", "o-1", "o-1-s1", "m-1", "SKU-B", 1, 700, 500, 1000)]


async def split(tx, clock, *units):
    return await re_review_shipment(tx, collaborators(clock, 100), "shp-1", None, "pack apart", "staff:s-1", units)


async def test_packing_units_apart_before_dispatch_replaces_the_shipment_by_two_sharing_the_paid_amount(clock):
    tx = FakeTransaction()
    await tx.shipments.add(shipment(lines=TWO_LINES))
    old, at_once = await split(tx, clock, ("l-1", 1))
    parts = [s for s in tx.shipments.rows.values() if s.id != "shp-1"]
    assert (at_once, old.status, old.lines) == (True, S.CANCELLED, ())
    assert sorted([(ln.line_id, ln.quantity, ln.paid_amount) for ln in p.lines] for p in parts) == [
        [("l-1", 1, 333)], [("l-1", 2, 667), ("l-2", 1, 700)]]  # 333 + 667 = the line's 1000, to the cent
    assert all((p.status, p.receiver, p.dispatch_after) == (S.READY, RECEIVER, clock.now()) for p in parts)
    planned = [m for _, m in tx.published if type(m).__name__ == "ShipmentPlanned"]
    assert sorted(m.shipment_id for m in planned) == sorted(p.id for p in parts)
    assert await dispatch_due(tx, logistics(), clock, POLICY) == 2


async def test_a_dispatched_shipment_is_split_once_the_warehouse_stopped_it(clock):
    tx, outside = FakeTransaction(), logistics()
    await tx.shipments.add(shipment(S.PICKED, S.PICKED, lines=TWO_LINES))
    old, at_once = await split(tx, clock, ("l-2", 1))
    assert (at_once, old.status, len(tx.shipments.rows)) == (False, S.INTERCEPTING, 1)
    await intercept_due(tx, outside, clock, POLICY)
    await record_report(tx, ProviderReport("wms", "evt-1", "intercepted", "shp-1", "shp-1-1", AT), AT,
                        collaborators(clock, 200))
    assert (old.status, len(tx.shipments.rows)) == (S.CANCELLED, 3)
    assert await dispatch_due(tx, outside, clock, POLICY) == 2
    assert sorted(len(i.lines) for i in outside.warehouse.received) == [1, 1]


@pytest.mark.parametrize(("units", "why"), [((("l-9", 1),), "no line l-9"), ((("l-1", 4),), "holds 3"),
                                            ((("l-1", 3), ("l-2", 1)), "leaves nothing")])
async def test_a_split_it_cannot_make_is_refused(clock, units, why):
    tx = FakeTransaction()
    await tx.shipments.add(shipment(lines=TWO_LINES))
    with pytest.raises(ReReviewRefused, match=why):
        await split(tx, clock, *units)
