"""Each type's one transition table, exhaustively: every (status, event) in the table moves the
case there and records who, when, what and why; every other one raises IllegalTransition, and a
final status allows nothing."""

from datetime import timedelta

import pytest
from after_sales_builders import NOW, STAFF, case_in, order

from tradeflow_after_sales.domain.errors import IllegalTransition
from tradeflow_after_sales.domain.events import CaseMoved
from tradeflow_after_sales.domain.states import FINAL, TRANSITIONS, CaseEvent, CaseStatus, CaseType

S, E, T = CaseStatus, CaseEvent, CaseType
LATER = NOW + timedelta(hours=1)

ACT = {
    E.APPROVE: lambda c: c.approve(STAFF, LATER),
    E.REJECT: lambda c: c.reject(STAFF, "outside the policy", LATER),
    E.CANCEL: lambda c: c.cancel("buyer:b-1", "changed my mind", LATER),
    E.AWAIT_RETURN: lambda c: c.await_return(LATER + timedelta(days=7), LATER),
    E.REPORT_PARCEL: lambda c: c.report_return_parcel("SF", "WB-1", "buyer:b-1", LATER),
    E.RECEIVE: lambda c: c.return_received(LATER),
    E.INSPECT_OK: lambda c: c.inspected(True, LATER),
    E.INSPECT_FAIL: lambda c: c.inspected(False, LATER, "scratched"),
    E.START_REFUND: lambda c: (c.refund_partially(order(), 3000, "scratched", STAFF, LATER)
                               if c.status is S.INSPECTED_FAILED else c.start_refund(LATER)),
    E.REFUND_MADE: lambda c: c.refund_made(c.refund_amount, LATER, "R-1"),
    E.SHIP_REPLACEMENT: lambda c: c.ship_replacement("SH-9", LATER),
    E.REPLACEMENT_DELIVERED: lambda c: c.replacement_delivered(LATER),
    E.COMPLETE: lambda c: c.complete(LATER),
    E.EXPIRE: lambda c: c.expire(LATER),
    E.PARK: lambda c: c.park("refund", "payment down", LATER),
    E.FORCE_CLOSE: lambda c: c.force_close(STAFF, "settled by phone", LATER),
}
FLOW = [status for status in S if status is not S.NEEDS_ATTENTION]  # a parked case: test_needs_attention.py


def cases():
    for type in T:
        for status in FLOW:
            for event in ACT:
                yield type, status, event


@pytest.mark.parametrize(("type", "status", "event"), list(cases()))
def test_a_case_moves_exactly_as_its_type_table_says(type, status, event):
    case = case_in(type, status, return_deadline=NOW)  # a return due already: expire is allowed
    target = TRANSITIONS[type].get((status, event))
    if target is None:
        with pytest.raises(IllegalTransition):
            ACT[event](case)
        assert case.status is status and case.pull_events() == []
        return
    ACT[event](case)
    assert case.status is target
    entry = case.history[-1]
    assert (entry.from_status, entry.to_status, entry.event, entry.at) == (status, target, event, LATER)
    moved = [e for e in case.pull_events() if isinstance(e, CaseMoved)]
    assert [(m.from_status, m.to_status, m.event) for m in moved] == [(status, target, event)]


@pytest.mark.parametrize("type", list(T))
def test_every_status_of_a_type_is_reached_from_requested_and_final_ones_lead_nowhere(type):
    table = TRANSITIONS[type]
    reached, frontier = {S.REQUESTED}, [S.REQUESTED]
    while frontier:
        status = frontier.pop()
        for (source, _), target in table.items():
            if source is status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert {source for source, _ in table} <= reached
    assert not {source for source, _ in table} & FINAL
    assert S.COMPLETED in reached and S.NEEDS_ATTENTION in reached


def test_the_tables_differ_where_the_types_do():
    assert (S.APPROVED, E.START_REFUND) in TRANSITIONS[T.REFUND_ONLY]
    assert (S.APPROVED, E.AWAIT_RETURN) not in TRANSITIONS[T.REFUND_ONLY]
    assert (S.INSPECTED_OK, E.SHIP_REPLACEMENT) in TRANSITIONS[T.EXCHANGE]
    assert (S.INSPECTED_OK, E.START_REFUND) not in TRANSITIONS[T.EXCHANGE]
    assert (S.INSPECTED_OK, E.START_REFUND) in TRANSITIONS[T.RETURN_AND_REFUND]


def test_a_refund_only_case_approved_cannot_be_cancelled_by_the_buyer():
    case = case_in(T.REFUND_ONLY, S.APPROVED)
    with pytest.raises(IllegalTransition):
        case.cancel("buyer:b-1", "changed my mind", LATER)


def test_a_failed_inspection_is_not_refunded_by_the_saga_on_its_own():
    case = case_in(T.RETURN_AND_REFUND, S.INSPECTED_FAILED)
    with pytest.raises(IllegalTransition, match="staff"):
        case.start_refund(LATER)
    assert case.status is S.INSPECTED_FAILED
