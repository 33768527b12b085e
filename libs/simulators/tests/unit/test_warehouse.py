"""The warehouse's rules, without HTTP."""

from datetime import UTC, datetime

import pytest

from tradeflow_simulators.wms.warehouse import (
    AlreadyShipped,
    Dispatch,
    DispatchLine,
    DuplicateDispatch,
    NotShipped,
    Warehouse,
)

FIXED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _warehouse(*numbers: str) -> Warehouse:
    warehouse = Warehouse(clock=lambda: FIXED)
    for number in numbers:
        lines = (DispatchLine("l1", "A", 1),)
        warehouse.accept(Dispatch(number, "WH", f"shp-{number}", "SF", f"SF-{number}", {}, lines, FIXED))
    return warehouse


def test_a_dispatch_number_is_taken_once():
    warehouse = _warehouse("D-1")
    with pytest.raises(DuplicateDispatch):
        warehouse.accept(warehouse.dispatch("D-1"))


def test_events_of_one_dispatch_are_strictly_later_than_the_one_before_even_on_a_stopped_clock():
    notices = _warehouse("D-1").ship("D-1")
    assert [n.type for n in notices] == ["picked", "packed", "shipped"]
    assert notices[0].occurred_at < notices[1].occurred_at < notices[2].occurred_at


def test_shipping_while_an_interception_waits_leaves_it_waiting_for_an_answer():
    warehouse = _warehouse("D-1")
    warehouse.request_interception("D-1")
    warehouse.ship("D-1")
    assert warehouse.dispatch("D-1").interception == "requested"
    with pytest.raises(AlreadyShipped):
        warehouse.settle_interception("D-1", succeed=True)
    [failed] = warehouse.settle_interception("D-1", succeed=False)
    assert failed.fields["reason"] == "the parcel had left"


def test_auto_steps_move_each_dispatch_one_step_and_leave_decided_ones_alone():
    warehouse = _warehouse("D-1", "D-2", "D-3")
    warehouse.decide("D-2", "ignore")
    warehouse.request_interception("D-3")
    first = warehouse.auto_step()
    assert [(n.subject, n.type) for n in first] == [("D-1", "picked"), ("D-3", "intercepted")]
    assert [n.type for n in warehouse.auto_step() + warehouse.auto_step()] == ["packed", "shipped"]
    assert warehouse.auto_step() == [] and warehouse.dispatch("D-2").status == "accepted"


def test_a_shipped_parcel_is_received_back_once_and_nothing_else_comes_back():
    warehouse = _warehouse("D-1", "D-2")
    warehouse.ship("D-1")
    [notice] = warehouse.decide("D-1", "return_received")
    assert (notice.type, notice.fields["lines"], warehouse.dispatch("D-1").status) == (
        "return_received", [{"line_id": "l1", "sku": "A", "quantity": 1}], "returned")
    with pytest.raises(NotShipped):
        warehouse.receive_return("D-1")  # received already
    with pytest.raises(NotShipped):
        warehouse.receive_return("D-2")  # never shipped: nothing comes back
