"""Dispatch numbers, the warehouse's and carrier's reports (late, duplicate, skipping, noted while
stopped), interception, re-review and return: the rules beyond the table."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import REPORTS, TRANSITIONS, ShipmentEvent, ShipmentStatus

from .builders import AT, shipment

S, E = ShipmentStatus, ShipmentEvent
LATER = AT + timedelta(hours=1)


def test_dispatch_gives_the_number_carrier_and_waybill_none_before():
    s = shipment()
    assert (s.dispatch_number, s.waybill, s.progress) == (None, None, None)
    s.dispatch("shp-1-1", "ZTO", "WB-7", LATER)
    assert (s.status, s.dispatch_number, s.carrier, s.waybill, s.progress) == (
        S.DISPATCHED, "shp-1-1", "ZTO", "WB-7", S.DISPATCHED)
    assert (s.history[-1].at, s.history[-1].event, s.history[-1].source, s.history[-1].detail) == (
        LATER, E.DISPATCH, "fulfillment", "shp-1-1")


def test_re_review_dispatches_again_under_a_new_number_and_the_history_shows_both():
    s = shipment()
    s.dispatch(s.next_dispatch_number, "SF", "WB-1", AT)
    s.request_interception(AT, "staff:s-1")
    s.interception_result(True, AT, "wms")
    with pytest.raises(IllegalTransition, match="used already"):
        s.redispatch("shp-1-1", LATER, "staff:s-1")
    s.redispatch(s.next_dispatch_number, LATER, "staff:s-1", waybill="WB-2")
    assert (s.status, s.dispatch_number, s.dispatch_numbers, s.waybill) == (
        S.DISPATCHED, "shp-1-2", ("shp-1-1", "shp-1-2"), "WB-2")
    assert [(h.event, h.detail) for h in s.history if h.event in (E.DISPATCH, E.REDISPATCH)] == [
        (E.DISPATCH, "shp-1-1"), (E.REDISPATCH, "shp-1-2")]


def test_a_late_in_transit_after_signed_is_recorded_not_applied():
    s = shipment(S.SIGNED, S.SIGNED)
    assert s.is_late(E.IN_TRANSIT)
    assert s.report(E.IN_TRANSIT, LATER, "tms") is False
    assert s.status is S.SIGNED
    assert (s.history[-1].event, s.history[-1].status, s.history[-1].applied, s.history[-1].detail) == (
        E.IN_TRANSIT, S.SIGNED, False, "late")


def test_a_duplicate_report_changes_nothing_but_the_record():
    s = shipment(S.DISPATCHED, S.DISPATCHED)
    assert s.report(E.PACKED, AT, "wms") is True
    assert s.report(E.PACKED, LATER, "wms") is False
    assert (s.status, [h.applied for h in s.history]) == (S.PACKED, [True, False])


def test_a_report_may_skip_stages_and_the_skipped_one_arriving_later_is_late():
    s = shipment(S.DISPATCHED, S.DISPATCHED)
    assert s.report(E.SHIPPED, AT, "wms") is True
    assert s.report(E.PICKED, LATER, "wms") is False
    assert (s.status, s.progress, s.has_shipped) == (S.SHIPPED, S.SHIPPED, True)


def test_a_carrier_picking_up_moves_a_shipped_parcel_in_transit():
    s = shipment(S.SHIPPED, S.SHIPPED)
    s.report(E.PICKED_UP, AT, "tms")
    assert s.status is S.IN_TRANSIT and s.is_late(E.IN_TRANSIT)


def test_reports_before_dispatch_are_errors_not_late():
    s = shipment(S.READY)
    assert not s.is_late(E.SIGNED)
    with pytest.raises(IllegalTransition):
        s.report(E.SIGNED, AT, "tms")


def test_what_the_warehouse_reports_while_intercepting_is_noted_and_the_shipment_goes_on_if_it_fails():
    s = shipment(S.DISPATCHED, S.DISPATCHED)
    s.request_interception(AT, "order")
    assert s.report(E.SHIPPED, AT, "wms") is False
    assert (s.status, s.progress) == (S.INTERCEPTING, S.SHIPPED)
    s.interception_result(False, AT, "wms")
    assert s.report(E.PACKED, LATER, "wms") is False  # the goods are past it
    assert s.report(E.IN_TRANSIT, LATER, "tms") is True
    assert s.status is S.IN_TRANSIT


def test_a_signed_parcel_cannot_be_intercepted():
    with pytest.raises(IllegalTransition, match="is signed: it cannot intercept"):
        shipment(S.SIGNED, S.SIGNED).request_interception(AT, "order")


def test_an_intercepted_parcel_that_shipped_comes_back_and_is_not_cancelled_or_redispatched():
    s = shipment(S.INTERCEPTED, S.SHIPPED)
    with pytest.raises(IllegalTransition, match="must come back"):
        s.cancel("buyer cancelled", AT, "order")
    with pytest.raises(IllegalTransition, match="not re-dispatched"):
        s.redispatch(s.next_dispatch_number, AT, "staff:s-1")
    s.return_to_sender(AT, "tms")
    s.return_received(LATER, "wms")
    assert s.status is S.RETURNED


def test_an_intercepted_parcel_still_in_the_warehouse_is_cancelled_not_returned():
    s = shipment(S.INTERCEPTED, S.PACKED)
    with pytest.raises(IllegalTransition, match="never left"):
        s.return_to_sender(AT, "tms")
    s.cancel("buyer cancelled", AT, "order")
    assert (s.status, s.history[-1].detail) == (S.CANCELLED, "buyer cancelled")


MOVES = {
    E.APPROVE: lambda s: s.approve(AT, "staff"), E.HOLD: lambda s: s.hold("why", AT, "staff"),
    E.DISPATCH: lambda s: s.dispatch(s.next_dispatch_number, "SF", "WB", AT),
    E.REDISPATCH: lambda s: s.redispatch(s.next_dispatch_number, AT, "staff"),
    E.CANCEL: lambda s: s.cancel("why", AT, "staff"), E.INTERCEPT: lambda s: s.request_interception(AT, "o"),
    E.INTERCEPT_OK: lambda s: s.interception_result(True, AT, "wms"),
    E.INTERCEPT_FAIL: lambda s: s.interception_result(False, AT, "wms"),
    E.RETURN: lambda s: s.return_to_sender(AT, "tms"), E.RETURN_RECEIVED: lambda s: s.return_received(AT, "wms"),
    **{e: (lambda s, e=e: s.report(e, AT, "tms")) for e in REPORTS},
}


@given(st.lists(st.sampled_from(sorted(MOVES)), max_size=40), st.booleans())
def test_any_sequence_of_events_keeps_the_shipment_on_its_table(events, start_in_review):
    s = shipment(S.PENDING_REVIEW if start_in_review else S.READY)
    for event in events:
        before, history = s.status, len(s.history)
        try:
            MOVES[event](s)
        except IllegalTransition:
            assert (s.status, len(s.history)) == (before, history)  # a refusal leaves nothing behind
            continue
        entry = s.history[-1]
        assert len(s.history) == history + 1 and entry.event is event
        if entry.applied:
            assert TRANSITIONS[(before, event)] is s.status
        else:
            assert s.status is before and event in REPORTS
    applied = [h for h in s.history if h.applied]
    assert [h.status for h in applied][-1:] == ([s.status] if applied else [])


def test_its_lines_count_as_changed_only_when_an_order_left_or_joined_it():
    lines = [ShipmentLine("l-1", "o-1", "o-1-s1", "m-1", "SKU-A", 1), ShipmentLine("l-2", "o-2", "o-2-s1", "m-1",
                                                                                  "SKU-B", 1)]
    s = shipment(ShipmentStatus.READY, lines=lines)
    s.dispatch(s.next_dispatch_number, "SF", "WB-1", AT)
    s.report(ShipmentEvent.PICKED, AT, "wms")
    assert s.pull_lines_changed() is False  # moves and reports leave the lines as they were
    s.report(ShipmentEvent.PACKED, AT, "wms")
    s.stop("o-1", "changed my mind", AT, AT)
    s.interception_result(True, AT, "wms")
    s.settle_interception(AT)  # o-1's lines leave; o-2's go again
    assert (s.pull_lines_changed(), s.pull_lines_changed()) == (True, False)
