"""The use case on `order.paid`, with in-memory ports: shipments and entitlements planned and
announced, merged within the window, and nothing new for an order planned already."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import EntitlementGranted, ShipmentPlanned, ShipmentStatusChanged
from tradeflow_contracts.orders import OrderPaid
from tradeflow_fulfillment.app.handlers import USE_CASES
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.domain.errors import InvalidPaidOrder

from .builders import WINDOW
from .fakes import FakeTransaction, FixedClock, collaborators

RECEIVER = {"name": "Han Meimei", "phone": "13912345678", "region": "east", "city": "Hangzhou",
            "address": "2 West Lake Rd"}


def order_paid(order_id: str = "o-1", *lines: dict, buyer_id: str = "b-1") -> OrderPaid:
    lines = lines or ({"line_id": f"{order_id}-l1", "sku": "SKU-A", "quantity": 2, "kind": "physical",
                       "paid_amount": 2000, "warehouses": [{"code": "WH-1", "quantity": 2}]},)
    return OrderPaid(order_id=order_id, buyer_id=buyer_id, currency="CNY", receiver=RECEIVER, sub_orders=[
        {"sub_order_id": f"{order_id}-s1", "merchant_id": "m-1", "paid_amount": 0, "lines": list(lines)}])


GOODS = {"line_id": "l-p", "sku": "SKU-A", "quantity": 2, "kind": "physical", "paid_amount": 2000,
         "warehouses": [{"code": "WH-1", "quantity": 2}]}
COURSE = {"line_id": "l-v", "sku": "COURSE-1", "quantity": 1, "kind": "virtual", "paid_amount": 9900}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


async def test_order_paid_is_planned_by_this_use_case():
    assert USE_CASES[OrderPaid] is plan_fulfillment


async def test_a_paid_order_plans_its_shipments_and_grants_its_virtual_goods(clock):
    tx = FakeTransaction()
    await plan_fulfillment(tx, order_paid("o-1", GOODS, COURSE), collaborators(clock))
    [shipment] = tx.shipments.rows.values()
    [entitlement] = tx.entitlements.rows
    assert (shipment.warehouse, shipment.carrier, [ln.quantity for ln in shipment.lines]) == ("WH-1", "SF", [2])
    assert (entitlement.account, entitlement.sku, entitlement.line_id) == ("b-1", "COURSE-1", "l-v")
    assert tx.types() == ["fulfillment.entitlement-granted", "fulfillment.shipment-planned"]
    assert {key for key, _ in tx.published} == {"o-1"}
    planned = tx.published[1][1]
    assert isinstance(planned, ShipmentPlanned) and isinstance(tx.published[0][1], EntitlementGranted)
    assert (planned.shipment_id, planned.status, planned.merged, planned.dispatch_after) == (
        shipment.id, "ready", False, clock.at + WINDOW)


async def test_a_second_order_paid_for_the_same_order_creates_nothing(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await plan_fulfillment(tx, order_paid("o-1"), c)
    before = (dict(tx.shipments.rows), list(tx.published))
    await plan_fulfillment(tx, order_paid("o-1"), c)
    assert (tx.shipments.rows, tx.published) == before


async def test_a_second_order_within_the_window_joins_the_first_ones_shipment(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await plan_fulfillment(tx, order_paid("o-1"), c)
    clock.at += WINDOW - timedelta(seconds=1)
    await plan_fulfillment(tx, order_paid("o-2"), c)
    [shipment] = tx.shipments.rows.values()
    assert shipment.order_ids == ("o-1", "o-2") and tx.shipments.locked == ["b-1", "b-1"]
    key, joined = tx.published[-1]
    assert (key, joined.shipment_id, joined.merged, joined.order_ids) == ("o-2", shipment.id, True, ["o-1", "o-2"])
    assert [ln.order_id for ln in joined.lines] == ["o-2"]


async def test_after_the_window_the_next_order_ships_apart(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    await plan_fulfillment(tx, order_paid("o-1"), c)
    clock.at += WINDOW
    await plan_fulfillment(tx, order_paid("o-2"), c)
    assert [s.order_ids for s in tx.shipments.rows.values()] == [("o-1",), ("o-2",)]


async def test_a_merge_that_becomes_high_value_is_announced_to_every_order_it_holds(clock):
    tx, c = FakeTransaction(), collaborators(clock)
    dear = {"line_id": "d", "sku": "SKU-D", "quantity": 1, "kind": "physical", "paid_amount": 1_999_000,
            "warehouses": [{"code": "WH-1", "quantity": 1}]}
    await plan_fulfillment(tx, order_paid("o-1"), c)
    await plan_fulfillment(tx, order_paid("o-2", dear), c)
    changes = [(key, m.from_status, m.to_status, m.event) for key, m in tx.published
               if isinstance(m, ShipmentStatusChanged)]
    assert changes == [("o-1", "ready", "pending_review", "hold"), ("o-2", "ready", "pending_review", "hold")]


async def test_a_virtual_only_order_takes_no_shipment_lock(clock):
    tx = FakeTransaction()
    await plan_fulfillment(tx, order_paid("o-1", COURSE), collaborators(clock))
    assert (tx.shipments.rows, tx.shipments.locked, tx.types()) == ({}, [], ["fulfillment.entitlement-granted"])


async def test_a_line_that_names_only_its_one_warehouse_is_planned_there(clock):
    tx = FakeTransaction()
    line = {"line_id": "l", "sku": "S", "quantity": 3, "kind": "physical", "paid_amount": 3, "warehouse": "WH-2"}
    await plan_fulfillment(tx, order_paid("o-1", line), collaborators(clock))
    assert [(s.warehouse, s.lines[0].quantity) for s in tx.shipments.rows.values()] == [("WH-2", 3)]


async def test_an_order_that_cannot_be_planned_is_refused_and_leaves_nothing(clock):
    tx = FakeTransaction()
    nowhere = {"line_id": "l", "sku": "S", "quantity": 1, "kind": "physical", "paid_amount": 1}
    with pytest.raises(InvalidPaidOrder, match="names no warehouse"):
        await plan_fulfillment(tx, order_paid("o-1", nowhere), collaborators(clock))
    assert (tx.shipments.rows, tx.published) == ({}, [])
