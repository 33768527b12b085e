"""The dispatcher on in-memory ports: a due shipment gets its waybill and goes to the warehouse
under the number recorded before the call; an unreachable outside postpones it (same number),
a number held for another shipment is skipped, a refusal goes back to review, and a crash
between the call and its record is recovered without a second dispatch."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import ShipmentStatusChanged
from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import AT, WINDOW, shipment
from .fakes import FakeTransaction, FixedClock, logistics

S = ShipmentStatus
POLICY = DispatchPolicy(batch=10, lease=timedelta(seconds=60), first_backoff=timedelta(seconds=2))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(AT + WINDOW)  # the builders' shipment is due now


@pytest.fixture
async def tx() -> FakeTransaction:
    tx = FakeTransaction()
    await tx.shipments.add(shipment())
    return tx


async def run(tx, outside, clock) -> int:
    return await dispatch_due(tx, outside, clock, POLICY)


def changes(tx) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(key, m.from_status, m.to_status, m.dispatch_number, m.waybill) for key, m in tx.published
            if isinstance(m, ShipmentStatusChanged)]


async def test_a_due_shipment_gets_a_waybill_and_is_dispatched_under_its_number(tx, clock):
    outside = logistics()
    assert await run(tx, outside, clock) == 1
    s = tx.shipments.rows["shp-1"]
    [request] = outside.carriers.requests
    [instruction] = outside.warehouse.received
    assert (request.shipment_id, request.carrier, request.warehouse, request.weight_grams) == ("shp-1", "SF", "WH-1",
                                                                                               500)
    assert (instruction.dispatch_number, instruction.waybill, instruction.lines) == ("shp-1-1", "SF-WB-shp-1", s.lines)
    assert (s.status, s.dispatch_number, s.waybill, s.dispatch_attempt) == (S.DISPATCHED, "shp-1-1", "SF-WB-shp-1",
                                                                             None)
    assert changes(tx) == [("o-1", "ready", "dispatched", "shp-1-1", "SF-WB-shp-1")]
    assert await run(tx, outside, clock) == 0


async def test_a_shipment_in_its_merge_window_or_in_review_is_not_dispatched(clock):
    tx, outside = FakeTransaction(), logistics()
    await tx.shipments.add(shipment(id="shp-review", status=S.PENDING_REVIEW))
    await tx.shipments.add(shipment(id="shp-later"))
    clock.at -= timedelta(seconds=1)
    assert await run(tx, outside, clock) == 0
    assert (outside.warehouse.received, outside.carriers.requests, tx.published) == ([], [], [])


async def test_a_merged_shipment_is_announced_to_each_of_its_orders(clock):
    tx, outside = FakeTransaction(), logistics()
    lines = [ShipmentLine(f"l-{o}", o, f"{o}-s1", "m-1", "SKU-A", 1, 1000, 500, 1000) for o in ("o-1", "o-2")]
    await tx.shipments.add(shipment(lines=lines))
    await run(tx, outside, clock)
    assert [key for key, *_ in changes(tx)] == ["o-1", "o-2"]


async def test_an_unreachable_warehouse_leaves_it_ready_and_it_goes_later_under_the_same_number(tx, clock):
    outside = logistics()
    outside.warehouse.down = True
    await run(tx, outside, clock)
    s = tx.shipments.rows["shp-1"]
    attempt = s.dispatch_attempt
    assert (s.status, attempt.number, attempt.waybill, attempt.retry_at) == (
        S.READY, "shp-1-1", "SF-WB-shp-1", clock.at + timedelta(seconds=2))
    assert "unreachable" in attempt.last_error and tx.published == []
    outside.warehouse.down = False
    clock.at += timedelta(seconds=1)
    assert await run(tx, outside, clock) == 0  # not before its backoff
    clock.at += timedelta(seconds=1)
    await run(tx, outside, clock)
    assert (s.status, s.dispatch_number) == (S.DISPATCHED, "shp-1-1")
    assert len(outside.carriers.requests) == 1  # the waybill it got is reused


async def test_an_unreachable_carrier_postpones_it_with_a_growing_backoff(tx, clock):
    outside = logistics()
    outside.carriers.down = True
    await run(tx, outside, clock)
    clock.at += timedelta(seconds=2)
    await run(tx, outside, clock)
    attempt = tx.shipments.rows["shp-1"].dispatch_attempt
    assert (attempt.tries, attempt.retry_at, attempt.waybill) == (2, clock.at + timedelta(seconds=4), None)
    assert outside.warehouse.received == []


async def test_a_crash_after_the_warehouse_took_it_is_recovered_without_a_second_dispatch(tx, clock):
    outside = logistics()
    s = tx.shipments.rows["shp-1"]
    s.begin_dispatch(clock.at, POLICY.lease)  # claimed and committed, then the process died after the call:
    outside.warehouse.held["shp-1-1"] = "shp-1"
    assert await run(tx, outside, clock) == 0  # leased: nobody takes it meanwhile
    clock.at += POLICY.lease
    await run(tx, outside, clock)
    assert (s.status, s.dispatch_number, list(outside.warehouse.held)) == (S.DISPATCHED, "shp-1-1", ["shp-1-1"])
    assert len(changes(tx)) == 1


async def test_a_number_the_warehouse_holds_for_another_shipment_is_skipped_for_a_new_one(tx, clock):
    outside = logistics()
    outside.warehouse.held["shp-1-1"] = "someone-else"
    await run(tx, outside, clock)
    s = tx.shipments.rows["shp-1"]
    assert (s.status, s.dispatch_number, s.skipped_dispatch_numbers) == (S.DISPATCHED, "shp-1-2", ("shp-1-1",))
    assert outside.warehouse.held == {"shp-1-1": "someone-else", "shp-1-2": "shp-1"}


async def test_a_refused_dispatch_goes_back_to_review_with_the_reason(tx, clock):
    outside = logistics()
    outside.carriers.refuse = "422 from the carrier: invalid_request: receiver.phone"
    await run(tx, outside, clock)
    s = tx.shipments.rows["shp-1"]
    assert (s.status, s.dispatch_attempt, s.history[-1].detail) == (
        S.PENDING_REVIEW, None, "dispatch refused: 422 from the carrier: invalid_request: receiver.phone")
    assert changes(tx) == [("o-1", "ready", "pending_review", None, None)]
    assert outside.warehouse.received == []
