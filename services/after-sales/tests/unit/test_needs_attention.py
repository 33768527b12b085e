"""A step that cannot succeed parks the case with the reason and the step; retry goes back to it,
force-close ends it; what the outside reports still settles a parked case."""

from datetime import timedelta

import pytest
from after_sales_builders import NOW, STAFF, T, case_in, open_case, order, with_cases

from tradeflow_after_sales.domain.errors import IllegalTransition, InvalidCase
from tradeflow_after_sales.domain.events import CaseMoved
from tradeflow_after_sales.domain.states import CaseStatus

S = CaseStatus
LATER = NOW + timedelta(minutes=5)


def parked_refund():
    case = case_in(T.RETURN_AND_REFUND, S.REFUNDING)
    case.park("refund", "payment refused 5 times: provider down", NOW)
    return case


def test_parking_keeps_the_reason_the_status_and_the_step():
    case = parked_refund()
    assert case.status is S.NEEDS_ATTENTION
    assert (case.attention.reason, case.attention.status, case.attention.step) == (
        "payment refused 5 times: provider down", S.REFUNDING, "refund")
    assert case.history[-1].reason == "refund: payment refused 5 times: provider down"


def test_parked_again_it_keeps_the_newest_reason_without_moving():
    case = parked_refund()
    case.pull_events()
    case.park("refund", "reply dead-lettered", LATER)
    assert (case.status, case.attention.reason, case.attention.status) == (S.NEEDS_ATTENTION, "reply dead-lettered",
                                                                           S.REFUNDING)
    assert case.pull_events() == []


def test_retry_goes_back_to_the_parked_step():
    case = parked_refund()
    step = case.retry(STAFF, LATER)
    assert (step, case.status, case.attention) == ("refund", S.REFUNDING, None)
    assert case.pull_events()[-1] == CaseMoved(S.NEEDS_ATTENTION, S.REFUNDING, "retry", LATER, STAFF, "refund")


def test_only_a_parked_case_is_retried():
    with pytest.raises(IllegalTransition):
        case_in(T.REFUND_ONLY, S.REFUNDING).retry(STAFF, NOW)


def test_force_close_needs_a_reason_and_releases_units_when_nothing_was_refunded():
    snapshot = order()
    case = open_case(snapshot, T.REFUND_ONLY)
    case.approve(STAFF, NOW)
    case.start_refund(NOW)
    case.park("refund", "payment refused", NOW)
    with pytest.raises(InvalidCase):
        case.force_close(STAFF, "", LATER)
    case.force_close(STAFF, "refunded by bank transfer outside the system", LATER)
    assert (case.status, case.is_open, case.claims()) == (S.CLOSED, False, ())
    assert with_cases(snapshot, case).claims == ()


def test_force_close_keeps_units_whose_refund_was_made():
    case = case_in(T.RETURN_AND_REFUND, S.REFUNDING)
    case.refund_made(5000, NOW, "R-1")
    case.park("revoke_entitlement", "fulfillment keeps refusing", NOW)
    case.force_close(STAFF, "revoked by hand", LATER)
    assert [(c.line_id, c.quantity, c.refund.amount) for c in case.claims()] == [("L1", 1, 5000)]


def test_a_refund_made_late_settles_a_case_parked_at_refunding():
    case = parked_refund()
    case.refund_made(5000, LATER, "R-1")
    assert (case.status, case.attention, case.refunded_amount) == (S.REFUNDED, None, 5000)


def test_the_saga_does_not_move_a_parked_case_on_its_own():
    case = case_in(T.RETURN_AND_REFUND, S.NEEDS_ATTENTION, parked_at=S.INSPECTED_OK)
    with pytest.raises(IllegalTransition):
        case.start_refund(LATER)


def test_the_buyer_cancels_a_parked_case_where_its_status_allows():
    waiting = case_in(T.EXCHANGE, S.NEEDS_ATTENTION, parked_at=S.APPROVED)
    waiting.cancel("buyer:b-1", "no longer needed", LATER)
    assert waiting.status is S.CANCELLED
    refunding = case_in(T.REFUND_ONLY, S.NEEDS_ATTENTION, parked_at=S.REFUNDING)
    with pytest.raises(IllegalTransition):
        refunding.cancel("buyer:b-1", "no longer needed", LATER)
