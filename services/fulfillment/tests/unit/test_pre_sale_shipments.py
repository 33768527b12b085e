"""A pre-sale's shipment waits for its goods (DOMAIN §3 预售, issue 11), on in-memory ports: planned
but not due — the dispatcher leaves it — until inventory says its sub-order's goods arrived; then
due as its merge window says. An arrival before planning is kept, and a repeat changes nothing."""

from datetime import timedelta

import pytest

from tradeflow_contracts.inventory import PreSaleStockArrived
from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.app.handlers import USE_CASES
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.record_stock_arrival import record_stock_arrival
from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.paid import PaidOrder, PaidSubOrder
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, RECEIVER, WINDOW, line, paid, plan
from .fakes import FakeTransaction, FixedClock, collaborators, logistics
from .test_plan_fulfillment import order_paid

S, E = ShipmentStatus, ShipmentEvent
POLICY = DispatchPolicy(batch=10, lease=timedelta(seconds=60))


def pre_sale(order_id: str = "o-1", line_id: str = "l-1", quantity: int = 2, incoming: bool = True) -> dict:
    return {"line_id": line_id, "sku": "SKU-P", "quantity": quantity, "kind": "physical", "paid_amount": 2000,
            "warehouses": [{"code": "WH-1", "quantity": quantity, "incoming": incoming}]}


def arrived(order_id: str = "o-1", sub_order_id: str = "o-1-s1") -> PreSaleStockArrived:
    return PreSaleStockArrived(order_id=order_id, sub_order_id=sub_order_id, arrived_at=AT, allocations=[
        {"line_id": "l-1", "sku": "SKU-P", "warehouse": "WH-1", "quantity": 2}])


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(AT)


# -- the shipment ------------------------------------------------------------------------------
def test_a_shipment_of_goods_still_incoming_is_planned_but_never_due_until_they_arrive():
    [waiting] = plan(PaidOrder("o-1", "b-1", RECEIVER, (PaidSubOrder("o-1-s1", "m-1", (line(),), True),)))
    assert (waiting.status, waiting.awaiting_stock) == (S.READY, ("o-1-s1",))
    assert not waiting.can_begin_dispatch(AT + WINDOW + timedelta(days=30))
    assert [(h.event, h.detail) for h in waiting.history] == [(E.PLAN, "o-1"), (E.AWAIT_STOCK, "o-1-s1")]
    waiting.stock_arrived("o-1-s1", AT + timedelta(minutes=1))
    assert not waiting.can_begin_dispatch(AT + WINDOW - timedelta(seconds=1))  # its window still counts
    assert waiting.can_begin_dispatch(AT + WINDOW) and waiting.status is S.READY
    assert (waiting.history[-1].event, waiting.history[-1].source) == (E.STOCK_ARRIVED, "inventory")


def test_arriving_after_the_window_makes_it_due_at_once():
    [waiting] = plan(PaidOrder("o-1", "b-1", RECEIVER, (PaidSubOrder("o-1-s1", "m-1", (line(),), True),)))
    later = AT + timedelta(days=20)
    waiting.stock_arrived("o-1-s1", later)
    assert waiting.can_begin_dispatch(later)


def test_only_the_shipments_holding_a_waiting_sub_orders_units_wait():
    order = PaidOrder("o-1", "b-1", RECEIVER, (
        PaidSubOrder("o-1-s1", "m-1", (line("a", warehouses=[("WH-1", 1)]),), True),
        PaidSubOrder("o-1-s2", "m-2", (line("b", warehouses=[("WH-1", 1)]), line("c", warehouses=[("WH-2", 1)])))))
    shipments = plan(order)
    assert [(s.warehouse, s.sub_order_ids, s.awaiting_stock) for s in shipments] == [
        ("WH-1", ("o-1-s1", "o-1-s2"), ("o-1-s1",)), ("WH-2", ("o-1-s2",), ())]


def test_a_sub_order_it_does_not_wait_for_is_refused():
    [s] = plan(paid(line()))
    with pytest.raises(IllegalTransition, match="does not wait for the goods of sub-order o-1-s1"):
        s.stock_arrived("o-1-s1", AT)


def test_a_waiting_shipment_neither_joins_nor_takes_in_another_orders_shipment():
    [ordinary] = plan(paid(line(), order_id="o-1"))
    [waiting] = plan(PaidOrder("o-2", "b-1", RECEIVER, (PaidSubOrder("o-2-s1", "m-1", (line("x"),), True),)))
    rules = collaborators(FixedClock()).rules
    assert rules.merge.consolidate([waiting], [ordinary], AT, rules.parcels) == ([waiting], [])
    [later] = plan(paid(line("y"), order_id="o-3"))
    assert rules.merge.consolidate([later], [waiting], AT, rules.parcels) == ([later], [])
    assert ordinary.order_ids == ("o-1",) and waiting.order_ids == ("o-2",)


# -- the use cases -----------------------------------------------------------------------------
async def test_the_dispatcher_leaves_a_waiting_shipment_until_the_arrival_is_recorded(clock):
    tx, c, outside = FakeTransaction(), collaborators(clock), logistics()
    await plan_fulfillment(tx, order_paid("o-1", pre_sale()), c)
    [s] = tx.shipments.rows.values()
    assert s.awaiting_stock == ("o-1-s1",) and tx.pre_sale_arrivals.locked == ["o-1"]
    clock.at += WINDOW + timedelta(days=3)
    assert await dispatch_due(tx, outside, clock, POLICY) == 0 and outside.warehouse.received == []
    await record_stock_arrival(tx, arrived(), c)
    assert s.awaiting_stock == () and tx.pre_sale_arrivals.rows == {"o-1-s1": ("o-1", AT)}
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    assert s.status is S.DISPATCHED and [i.shipment_id for i in outside.warehouse.received] == [s.id]


async def test_a_repeated_arrival_changes_nothing(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await plan_fulfillment(tx, order_paid("o-1", pre_sale()), c)
    await record_stock_arrival(tx, arrived(), c)
    [s] = tx.shipments.rows.values()
    history, published = s.history, list(tx.published)
    await record_stock_arrival(tx, arrived(), c)
    assert (s.history, tx.published) == (history, published)
    assert [h.event for h in s.history].count(E.STOCK_ARRIVED) == 1


async def test_an_arrival_before_the_order_is_planned_is_kept_and_its_shipment_does_not_wait(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await record_stock_arrival(tx, arrived(), c)  # inventory's topic got there first
    assert tx.shipments.rows == {} and tx.pre_sale_arrivals.rows == {"o-1-s1": ("o-1", AT)}
    await plan_fulfillment(tx, order_paid("o-1", pre_sale()), c)
    [s] = tx.shipments.rows.values()
    assert s.awaiting_stock == () and E.AWAIT_STOCK not in [h.event for h in s.history]
    assert s.can_begin_dispatch(AT + WINDOW)


async def test_an_order_with_nothing_incoming_awaits_nothing_under_the_order_lock_every_plan_takes(clock):
    tx = FakeTransaction()  # the lock serializes the plan with arrivals and with a stop before it
    await plan_fulfillment(tx, order_paid("o-1", pre_sale(incoming=False)), collaborators(clock))
    [s] = tx.shipments.rows.values()
    assert (s.awaiting_stock, tx.pre_sale_arrivals.locked) == ((), ["o-1"])


async def test_a_cancelled_shipment_stays_as_it_is_when_the_goods_arrive(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await plan_fulfillment(tx, order_paid("o-1", pre_sale()), c)
    [s] = tx.shipments.rows.values()
    s.cancel("order cancelled", AT, "fulfillment")
    history = s.history
    await record_stock_arrival(tx, arrived(), c)
    assert (s.status, s.awaiting_stock, s.history) == (S.CANCELLED, ("o-1-s1",), history)
    assert "o-1-s1" in tx.pre_sale_arrivals.rows


def test_the_arrival_is_recorded_by_its_own_use_case():
    assert USE_CASES[PreSaleStockArrived] is record_stock_arrival
