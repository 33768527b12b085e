"""The warehouse's and the carriers' books in SQLite: written at each change, reopened with the
same state — statuses, interceptions, steering flags, the order of events going on."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_simulators.book import connect, transaction
from tradeflow_simulators.tms.book import WaybillBook
from tradeflow_simulators.tms.carriers import Carriers, ShipmentHasWaybill
from tradeflow_simulators.wms.book import DispatchBook
from tradeflow_simulators.wms.warehouse import Dispatch, DispatchLine, DuplicateDispatch, UnknownDispatch, Warehouse

AT = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
RECEIVER = {"name": "Li Lei", "phone": "138", "region": "SH", "city": "SH", "address": "1 Nanjing Rd"}


def _dispatch(number: str, waybill: str) -> Dispatch:
    lines = (DispatchLine("l1", "SKU-A", 2), DispatchLine("l2", "SKU-B", 1))
    return Dispatch(number, "WH-SH", f"shp-{number}", "SF", waybill, RECEIVER, lines, AT)


def _state(dispatch: Dispatch) -> dict:
    return dispatch.describe() | {"silent": dispatch.silent, "steered": dispatch.steered,
                                  "return_due": dispatch.return_due, "last_event_at": dispatch.last_event_at}


def test_a_reopened_warehouse_has_every_dispatch_as_it_was(tmp_path):
    path = str(tmp_path / "wms.sqlite3")
    warehouse = Warehouse(clock=lambda: AT, book=DispatchBook(connect(path)))
    for number in ("D-1", "D-2", "D-3", "D-4"):
        warehouse.accept(_dispatch(number, f"SF-{number}"))
    warehouse.auto_step()  # all picked
    warehouse.decide("D-2", "ignore")
    warehouse.request_interception("D-3")
    warehouse.decide("D-4", "ship")
    warehouse.expect_return("SF-D-4")
    before = {n: _state(warehouse.dispatch(n)) for n in ("D-1", "D-2", "D-3", "D-4")}
    warehouse.book.db.close()

    reopened = Warehouse(clock=lambda: AT, book=DispatchBook(connect(path)))
    assert {n: _state(reopened.dispatch(n)) for n in before} == before
    assert before["D-4"]["status"] == "shipped" and before["D-4"]["return_due"] and before["D-4"]["steered"]
    assert before["D-2"]["silent"] and before["D-3"]["interception"] == "requested"
    moved = reopened.auto_step()  # D-2 ignored and D-4 decided: left alone, as before the restart
    assert [(n.subject, n.type) for n in moved] == [("D-1", "packed"), ("D-3", "intercepted")]
    assert moved[0].occurred_at > before["D-1"]["last_event_at"], "a stopped clock: still strictly later"


def test_a_dispatch_number_taken_before_a_restart_is_refused_after_it(tmp_path):
    path = str(tmp_path / "wms.sqlite3")
    Warehouse(book=DispatchBook(connect(path))).accept(_dispatch("D-1", "SF-1"))
    with pytest.raises(DuplicateDispatch, match="received before") as refused:
        Warehouse(book=DispatchBook(connect(path))).accept(_dispatch("D-1", "SF-1"))
    assert refused.value.extra["dispatch_status"] == "accepted"


def test_in_auto_mode_a_parcel_the_carrier_brings_back_is_received_once_at_the_next_step():
    warehouse = Warehouse(clock=lambda: AT)
    warehouse.accept(_dispatch("D-1", "SF-1"))
    for _ in range(3):
        warehouse.auto_step()
    assert warehouse.dispatch("D-1").status == "shipped" and warehouse.auto_step() == []
    assert warehouse.expect_return("SF-1").return_due
    [received] = warehouse.auto_step()
    assert (received.type, warehouse.dispatch("D-1").status) == ("return_received", "returned")
    assert warehouse.expect_return("SF-1").status == "returned", "told again: nothing changes"
    assert warehouse.auto_step() == []


def test_a_waybill_no_shipped_dispatch_has_is_not_expected_back():
    warehouse = Warehouse(clock=lambda: AT)
    warehouse.accept(_dispatch("D-1", "SF-1"))
    with pytest.raises(UnknownDispatch, match="has shipped") as refused:
        warehouse.expect_return("SF-1")
    assert refused.value.extra["dispatch_numbers"] == ["D-1"]


def _waybill_state(carriers: Carriers, number: str) -> dict:
    waybill = carriers.waybill(number)
    return waybill.describe() | {"steered": waybill.steered, "last_event_at": waybill.last_event_at}


def test_reopened_carriers_have_every_waybill_as_it_was_and_know_which_is_live(tmp_path):
    path, clock = str(tmp_path / "tms.sqlite3"), iter(AT + timedelta(seconds=i) for i in range(100))
    carriers = Carriers(clock=lambda: next(clock), book=WaybillBook(connect(path)))
    moving, _ = carriers.issue("SF", "shp-1", "WH", RECEIVER, 800)
    stopped, _ = carriers.issue("SF", "shp-2", "WH", RECEIVER, 800)
    carriers.hand_over(moving.waybill)
    carriers.auto_step()  # moving: picked_up
    carriers.request_interception(stopped.waybill)
    carriers.report(stopped.waybill, "intercept_ok")  # steered, and shp-2 may have another waybill
    numbers = [moving.waybill, stopped.waybill]
    before = {n: _waybill_state(carriers, n) for n in numbers}
    carriers.book.db.close()

    reopened = Carriers(book=WaybillBook(connect(path)))
    assert {n: _waybill_state(reopened, n) for n in numbers} == before
    again, new = reopened.issue("SF", "shp-1", "WH", RECEIVER, 800)
    assert (again.waybill, new) == (moving.waybill, False), "the same request: the same live waybill"
    with pytest.raises(ShipmentHasWaybill):
        reopened.issue("SF", "shp-1", "WH", RECEIVER | {"name": "Han Meimei"}, 800)
    replacement, new = reopened.issue("SF", "shp-2", "WH", RECEIVER, 800)
    assert new and replacement.waybill != stopped.waybill
    assert [n.type for n in reopened.auto_step()] == ["in_transit"], "the stopped one stays stopped"


def test_a_change_that_fails_inside_a_transaction_leaves_the_book_as_it_was(tmp_path):
    db = connect(str(tmp_path / "wms.sqlite3"))
    warehouse = Warehouse(book=DispatchBook(db))
    warehouse.accept(_dispatch("D-1", "SF-1"))
    with pytest.raises(sqlite3.IntegrityError), transaction(db):
        warehouse.ship("D-1")
        db.execute("INSERT INTO dispatches (dispatch_number) VALUES ('D-1')")  # fails: rolls back the shipping
    assert [d.status for d in DispatchBook(db).load()] == ["accepted"]
