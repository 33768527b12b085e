"""A channel's receiver change (ChangeReceiver) on in-memory ports: each of the order's shipments
is re-reviewed — changed at once before dispatch, stopped at the warehouse first after (changed
once intercepted, not when the interception fails or times out), refused on its way or merged
with other orders — and the change is answered once (ReceiverChangeSettled) when all are decided;
an order not planned yet or a shipment being dispatched waits; a repeat is answered the same."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import ChangeReceiver, OrderLineRef, ReceiverChangeSettled, StopFulfillment
from tradeflow_fulfillment.app.change_receiver import PlanNotYetKnown, ShipmentBeingDispatched, change_receiver
from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.app.record_report import ProviderReport, record_report
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentStatus
from tradeflow_kit.outages import AwaitingFacts

from .builders import AT, RECEIVER, WINDOW, shipment
from .fakes import FakeTransaction, FixedClock, collaborators, logistics

S = ShipmentStatus
POLICY = DispatchPolicy(batch=10, lease=timedelta(seconds=60))
WEST = replace(RECEIVER, region="west", city="Chengdu", address="9 Jinli St")  # carrier rules: WH-1 west → YTO
O2 = ShipmentLine("l-9", "o-2", "o-2-s1", "m-1", "SKU-B", 1, 1000, 500, 1000)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(AT + WINDOW)


def command(change_id: str = "chg-1", order_id: str = "o-1") -> ChangeReceiver:
    return ChangeReceiver(change_id=change_id, order_id=order_id, receiver=WEST.__dict__, reason="buyer moved",
                          requested_by="channel:tmall", requested_at=AT)


async def given(*shipments, planned=("o-1",)) -> FakeTransaction:
    tx = FakeTransaction()
    for s in shipments:
        await tx.shipments.add(s)
    tx.planned_orders.orders |= set(planned)
    return tx


async def change(tx, clock, change_id="chg-1") -> None:
    await change_receiver(tx, command(change_id), collaborators(clock))


def settled(tx) -> list[tuple]:
    return [(m.change_id, m.changed, [(o.shipment_id, o.changed, o.detail) for o in m.outcomes])
            for _, m in tx.published if isinstance(m, ReceiverChangeSettled)]


async def warehouse_says(tx, what: str, event_id: str = "evt-1") -> None:
    await record_report(tx, ProviderReport("wms", event_id, what, "shp-1", "shp-1-1", AT), AT)


async def test_before_dispatch_it_changes_at_once_with_the_carrier_for_the_new_region(clock):
    tx = await given(shipment())
    await change(tx, clock)
    s = await tx.shipments.get("shp-1")
    assert (s.status, s.receiver, s.carrier) == (S.READY, WEST, "YTO")
    assert settled(tx) == [("chg-1", True, [("shp-1", True, "changed")])]
    [(key, answer)] = [(k, m) for k, m in tx.published if isinstance(m, ReceiverChangeSettled)]
    assert (key, answer.receiver.city, answer.settled_at) == ("o-1", "Chengdu", clock.at)


async def test_dispatched_waits_for_the_warehouse_then_goes_again_under_a_new_number(clock):
    tx, outside = await given(shipment(S.PACKED, S.PACKED)), logistics()
    await change(tx, clock)
    assert settled(tx) == [] and tx.receiver_changes.rows["chg-1"].waiting == ("shp-1",)
    await intercept_due(tx, outside, clock, POLICY)
    await warehouse_says(tx, "intercepted")
    assert settled(tx) == [("chg-1", True, [("shp-1", True, "changed after interception")])]
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    s = await tx.shipments.get("shp-1")
    assert (s.status, s.receiver, s.dispatch_numbers) == (S.DISPATCHED, WEST, ("shp-1-1", "shp-1-2"))
    assert outside.carriers.cancelled == ["WB-1"]


async def test_an_interception_that_fails_settles_it_unchanged(clock):
    tx, outside = await given(shipment(S.DISPATCHED, S.DISPATCHED)), logistics()
    await change(tx, clock)
    await intercept_due(tx, outside, clock, POLICY)
    await warehouse_says(tx, "intercept_failed")
    assert settled(tx) == [("chg-1", False, [("shp-1", False, "intercept-failed")])]
    assert (await tx.shipments.get("shp-1")).receiver == RECEIVER


async def test_no_answer_by_the_deadline_settles_it_unchanged(clock):
    tx, outside = await given(shipment(S.DISPATCHED, S.DISPATCHED)), logistics()
    await change(tx, clock)
    await intercept_due(tx, outside, clock, POLICY)
    clock.at += timedelta(minutes=3)
    await intercept_due(tx, outside, clock, POLICY)
    assert settled(tx) == [("chg-1", False, [("shp-1", False, "intercept-timeout")])]


async def test_on_its_way_it_is_refused_at_once(clock):
    tx = await given(shipment(S.SHIPPED, S.SHIPPED))
    await change(tx, clock)
    assert settled(tx) == [("chg-1", False, [("shp-1", False, "on its way")])]


async def test_a_shipment_merged_with_other_orders_is_refused_and_left_as_it_was(clock):
    merged = shipment(lines=[replace(O2, order_id="o-1", line_id="l-1", sub_order_id="o-1-s1"), O2])
    tx = await given(merged, shipment(id="shp-2", lines=[replace(O2, order_id="o-1", line_id="l-2")]))
    await change(tx, clock)
    [(_, changed, outcomes)] = settled(tx)
    assert changed is False
    assert [(i, c) for i, c, _ in outcomes] == [("shp-1", False), ("shp-2", True)]
    assert outcomes[0][2].startswith("merged with other orders (o-1, o-2)")
    assert (await tx.shipments.get("shp-1")).receiver == RECEIVER


async def test_an_order_not_planned_yet_waits_for_its_plan(clock):
    tx = await given(planned=())
    with pytest.raises(PlanNotYetKnown) as waiting:
        await change(tx, clock)
    assert isinstance(waiting.value, AwaitingFacts) and tx.published == [] and tx.receiver_changes.rows == {}


async def test_an_order_of_virtual_goods_only_is_settled_at_once_unchanged(clock):
    tx = await given()
    await change(tx, clock)
    assert settled(tx) == [("chg-1", False, [])]


async def test_an_order_paid_before_the_start_point_has_nothing_here_to_change(clock):
    tx = await given(planned=())
    tx.planned_orders.skipped["o-1"] = AT
    await change(tx, clock)
    assert settled(tx) == [("chg-1", False, [])]


async def test_a_shipment_being_dispatched_waits_and_nothing_changes_meanwhile(clock):
    tx = await given(shipment(), shipment(id="shp-0", lines=[replace(O2, order_id="o-1", line_id="l-0")]))
    (await tx.shipments.get("shp-1")).begin_dispatch(clock.at, timedelta(seconds=60))
    with pytest.raises(ShipmentBeingDispatched):
        await change(tx, clock)
    assert settled(tx) == [] and tx.receiver_changes.rows == {}


async def test_a_repeat_is_answered_again_the_same_once_settled_and_dropped_while_pending(clock):
    tx = await given(shipment(S.DISPATCHED, S.DISPATCHED), shipment(id="shp-2", lines=[
        replace(O2, order_id="o-1", line_id="l-2")]))
    await change(tx, clock)
    await change(tx, clock)
    assert settled(tx) == []
    await intercept_due(tx, logistics(), clock, POLICY)
    await warehouse_says(tx, "intercepted")
    await change(tx, clock)
    first, again = settled(tx)
    assert first == again == ("chg-1", True, [("shp-1", True, "changed after interception"),
                                              ("shp-2", True, "changed")])


async def test_another_change_while_one_is_decided_is_refused(clock):
    tx = await given(shipment(S.DISPATCHED, S.DISPATCHED))
    await change(tx, clock)
    await change(tx, clock, "chg-2")
    assert settled(tx) == [("chg-2", False, [("shp-1", False, "another receiver change (chg-1) is being decided")])]
    assert tx.receiver_changes.rows["chg-1"].waiting == ("shp-1",)


async def test_an_order_stopped_while_its_shipment_is_intercepted_for_the_change_is_settled_unchanged(clock):
    tx, outside = await given(shipment(S.DISPATCHED, S.DISPATCHED)), logistics()
    await change(tx, clock)
    await stop_fulfillment(tx, StopFulfillment(order_id="o-1", reason="cancelled", requested_by="buyer:b-1",
                                               requested_at=AT, lines=[OrderLineRef(
                                                   line_id="l-1", sub_order_id="o-1-s1", sku="SKU-A", quantity=1,
                                                   kind="physical")]), collaborators(clock))
    await intercept_due(tx, outside, clock, POLICY)
    await warehouse_says(tx, "intercepted")
    assert settled(tx) == [("chg-1", False, [("shp-1", False, "cancelled: its orders were stopped meanwhile")])]
    assert (await tx.shipments.get("shp-1")).status is S.CANCELLED
