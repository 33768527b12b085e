"""A dispatch's intent before the outside is called (its number kept across retries, a lease),
its outcomes, the reports that name a dispatch or a waybill, goods leaving the warehouse once,
and staff review."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import IllegalTransition, NotDispatchedYet
from tradeflow_fulfillment.domain.events import LeftWarehouse, StatusChanged
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, WINDOW, shipment

S, E = ShipmentStatus, ShipmentEvent
DUE = AT + WINDOW  # the builders' shipment is planned at AT with the merge window
LEASE = timedelta(seconds=60)


def dispatched():
    s = shipment()
    s.dispatch(s.next_dispatch_number, "SF", "WB-1", DUE)
    s.pull_events()
    return s


def test_a_shipment_in_its_merge_window_or_in_review_cannot_begin_a_dispatch():
    with pytest.raises(IllegalTransition, match="not due"):
        shipment().begin_dispatch(DUE - timedelta(seconds=1), LEASE)
    with pytest.raises(IllegalTransition, match="is pending_review"):
        shipment(S.PENDING_REVIEW).begin_dispatch(DUE, LEASE)


def test_a_begun_dispatch_holds_its_number_and_is_leased():
    s = shipment()
    attempt = s.begin_dispatch(DUE, LEASE)
    assert (attempt.number, attempt.tries, attempt.retry_at, s.status) == ("shp-1-1", 1, DUE + LEASE, S.READY)
    assert not s.can_begin_dispatch(DUE + LEASE - timedelta(seconds=1))
    with pytest.raises(IllegalTransition, match="leased or waiting"):
        s.begin_dispatch(DUE + timedelta(seconds=1), LEASE)


def test_a_dispatch_whose_lease_ran_out_is_taken_again_under_the_same_number():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)  # the dispatcher crashed: nothing was recorded
    again = s.begin_dispatch(DUE + LEASE, LEASE)
    assert (again.number, again.tries) == ("shp-1-1", 2)


def test_a_failed_attempt_keeps_its_number_and_waybill_and_waits_for_its_retry():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)
    s.dispatch_failed("shp-1-1", "503 from the warehouse", DUE + timedelta(seconds=4), waybill="SF1")
    assert not s.can_begin_dispatch(DUE + timedelta(seconds=3))
    again = s.begin_dispatch(DUE + timedelta(seconds=4), LEASE)
    assert (again.number, again.waybill, again.tries, again.last_error) == (
        "shp-1-1", "SF1", 2, "503 from the warehouse")


def test_a_number_the_warehouse_holds_for_another_shipment_is_never_used_again():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)
    s.dispatch_number_taken("shp-1-1", DUE, waybill="SF1")
    attempt = s.dispatch_attempt
    assert (attempt.number, attempt.waybill, attempt.retry_at, s.skipped_dispatch_numbers) == (
        "shp-1-2", "SF1", DUE, ("shp-1-1",))
    s.begin_dispatch(DUE, LEASE)
    s.dispatch("shp-1-2", "SF", "SF1", DUE)
    assert (s.dispatch_numbers, s.dispatch_attempt, s.next_dispatch_number) == (("shp-1-2",), None, "shp-1-3")


def test_a_refused_dispatch_goes_back_to_staff_review_with_the_reason():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)
    s.dispatch_refused("shp-1-1", "422 from the carrier: invalid_request", DUE)
    assert (s.status, s.dispatch_attempt, s.history[-1].detail) == (
        S.PENDING_REVIEW, None, "dispatch refused: 422 from the carrier: invalid_request")
    assert s.pull_events() == [StatusChanged(S.READY, S.PENDING_REVIEW, E.HOLD, DUE, "fulfillment")]


def test_an_outcome_for_another_attempt_than_the_one_under_way_is_refused():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)
    with pytest.raises(IllegalTransition, match="no dispatch attempt shp-1-9"):
        s.dispatch_failed("shp-1-9", "timeout", DUE)


def test_reports_before_the_dispatch_is_recorded_are_refused_to_be_sent_again():
    s = shipment()
    s.begin_dispatch(DUE, LEASE)  # the warehouse may report before our record commits
    with pytest.raises(NotDispatchedYet, match="too early"):
        s.warehouse_report("shp-1-1", E.PICKED, DUE)
    assert s.history == shipment().history


def test_a_report_about_the_current_dispatch_or_waybill_is_applied():
    s = dispatched()
    assert s.warehouse_report("shp-1-1", E.PICKED, DUE) is True
    assert s.carrier_report("WB-1", E.PICKED_UP, DUE) is True
    assert (s.status, s.history[-1].source, s.history[-2].source) == (S.IN_TRANSIT, "tms", "wms")


def test_a_report_about_another_dispatch_or_waybill_is_recorded_not_applied():
    s = dispatched()
    assert s.warehouse_report("shp-1-0", E.SHIPPED, DUE) is False
    assert s.carrier_report("WB-0", E.SIGNED, DUE) is False
    assert s.status is S.DISPATCHED and not s.has_shipped
    assert [(h.applied, h.detail) for h in s.history[-2:]] == [
        (False, "about dispatch shp-1-0, not shp-1-1"), (False, "about waybill WB-0, not WB-1")]


def test_an_interception_answer_applies_only_while_one_is_waiting():
    s = dispatched()
    assert s.warehouse_report("shp-1-1", E.INTERCEPT_OK, DUE) is False
    assert (s.status, s.history[-1].detail) == (S.DISPATCHED, "no interception was waiting")
    s.request_interception(DUE, "order")
    assert s.warehouse_report("shp-1-1", E.INTERCEPT_FAIL, DUE) is True
    assert s.status is S.INTERCEPT_FAILED


def test_the_goods_leave_the_warehouse_once_whichever_report_first_passes_shipped():
    s = dispatched()
    s.warehouse_report("shp-1-1", E.PACKED, DUE)
    assert LeftWarehouse() not in s.pull_events()
    s.carrier_report("WB-1", E.IN_TRANSIT, DUE)  # shipped was never reported
    assert s.pull_events().count(LeftWarehouse()) == 1
    s.warehouse_report("shp-1-1", E.SHIPPED, DUE)  # late
    s.carrier_report("WB-1", E.SIGNED, DUE)
    assert LeftWarehouse() not in s.pull_events() and s.status is S.SIGNED


def test_staff_approve_with_a_note_and_reject_only_a_shipment_in_review():
    held = shipment(S.PENDING_REVIEW)
    held.approve(AT, "staff:s-1", "checked with the buyer")
    assert (held.status, held.history[-1].detail) == (S.READY, "checked with the buyer")
    with pytest.raises(IllegalTransition, match="only a shipment in review is rejected"):
        held.reject("too late", AT, "staff:s-1")
    rejected = shipment(S.PENDING_REVIEW)
    rejected.reject("address is a parcel locker", AT, "staff:s-1")
    assert (rejected.status, rejected.history[-1].event, rejected.history[-1].detail) == (
        S.CANCELLED, E.CANCEL, "rejected: address is a parcel locker")
