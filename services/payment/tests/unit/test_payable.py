from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_contracts import payments as contract
from tradeflow_payment.app.announcements import contract_for
from tradeflow_payment.app.ports import ReconcileCriteria
from tradeflow_payment.app.reconcile import needs_asking
from tradeflow_payment.domain import events
from tradeflow_payment.domain.errors import (
    AlreadyPaid,
    IllegalTransition,
    PaymentWindowClosed,
    ProviderNoticeMismatch,
    UnknownProviderPayment,
)
from tradeflow_payment.domain.payable import Payable, ProviderReport
from tradeflow_payment.domain.payment import PaymentStatus, ProviderState, Trigger

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


def announced(payable: Payable) -> list:
    """What the payable's recorded events announce (the contracts other services receive)."""
    return [contract_for(event, payable) for event in payable.pull_events()]


def _payable(amount: int = 1000, deadline: datetime = NOW + timedelta(minutes=30)) -> Payable:
    return Payable.open(order_id="order-1", buyer_id="buyer-1", amount=amount, currency="CNY", deadline=deadline,
                        now=NOW, new_payment_id=lambda: "pay-free")


def _started(payable: Payable, n: int = 1) -> str:
    payable.start_payment(f"pay-{n}", f"psp-{n}", f"http://psp/pay/psp-{n}", NOW)
    return f"psp-{n}"


def test_a_zero_amount_is_paid_at_once_without_the_provider():
    payable = _payable(amount=0)
    assert payable.is_paid and payable.payments[0].psp_reference is None
    assert announced(payable) == [contract.PaymentSucceeded(order_id="order-1", payment_id="pay-free", amount=0,
                                                            currency="CNY", psp_reference=None, paid_at=NOW)]


def test_an_amount_to_pay_waits_for_the_buyer():
    payable = _payable()
    assert not payable.is_paid and payable.payments == [] and payable.pull_events() == []


def test_the_pending_attempt_is_continued_rather_than_a_second_one_started():
    payable = _payable()
    _started(payable)
    assert payable.payment_to_continue(NOW).id == "pay-1"
    with pytest.raises(IllegalTransition):
        _started(payable, 2)


def test_after_a_failed_attempt_a_new_one_may_start():
    payable = _payable()
    payable.record_provider_outcome(_started(payable), Trigger.FAIL, 1000, "CNY", LATER)
    assert payable.payment_to_continue(LATER) is None
    _started(payable, 2)
    assert [p.status for p in payable.payments] == [PaymentStatus.FAILED, PaymentStatus.PENDING]
    assert isinstance(payable.pull_events()[0], events.PaymentFailed)


def test_no_payment_starts_after_the_deadline_or_close():
    with pytest.raises(PaymentWindowClosed):
        _payable(deadline=NOW).payment_to_continue(NOW)
    payable = _payable()
    payable.close("order cancelled", NOW)
    with pytest.raises(PaymentWindowClosed, match="order cancelled"):
        payable.payment_to_continue(NOW)


def test_a_paid_order_cannot_be_paid_again():
    payable = _payable()
    payable.record_provider_outcome(_started(payable), Trigger.SUCCEED, 1000, "CNY", LATER)
    with pytest.raises(AlreadyPaid):
        payable.payment_to_continue(LATER)


def test_closing_expires_the_pending_attempt_and_announces_the_close():
    payable = _payable()
    _started(payable)
    payable.close("deadline passed", LATER)
    assert payable.payments[0].status is PaymentStatus.EXPIRED
    assert announced(payable) == [contract.PaymentClosed(order_id="order-1", reason="deadline passed")]
    with pytest.raises(IllegalTransition):
        payable.close("again", LATER)


def test_a_success_after_close_is_recorded_and_announced_so_the_money_is_refunded():
    payable = _payable()
    reference = _started(payable)
    payable.close("deadline passed", NOW)
    payable.pull_events()
    assert payable.record_provider_outcome(reference, Trigger.SUCCEED, 1000, "CNY", LATER) is True
    assert payable.is_closed and payable.is_paid and payable.paid_amount == 1000
    assert announced(payable) == [contract.PaymentSucceeded(order_id="order-1", payment_id="pay-1", amount=1000,
                                                            currency="CNY", psp_reference=reference, paid_at=LATER)]


def test_a_repeated_provider_outcome_changes_nothing_and_announces_nothing():
    payable = _payable()
    reference = _started(payable)
    payable.record_provider_outcome(reference, Trigger.SUCCEED, 1000, "CNY", LATER)
    payable.pull_events()
    assert payable.record_provider_outcome(reference, Trigger.SUCCEED, 1000, "CNY", LATER) is False
    assert payable.pull_events() == []


def test_provider_outcomes_for_unknown_or_mismatching_payments_are_refused():
    payable = _payable()
    reference = _started(payable)
    with pytest.raises(UnknownProviderPayment):
        payable.record_provider_outcome("psp-other", Trigger.SUCCEED, 1000, "CNY", LATER)
    with pytest.raises(ProviderNoticeMismatch):
        payable.record_provider_outcome(reference, Trigger.SUCCEED, 999, "CNY", LATER)


# -- what the provider answers to a status query ------------------------------------------------



def test_a_success_the_provider_reports_on_query_is_recorded_even_after_close():
    payable = _payable()
    reference = _started(payable)
    payable.close("deadline passed", NOW)
    payable.pull_events()
    assert payable.apply_provider_report(ProviderReport(reference, ProviderState.SUCCEEDED, 1000, "CNY", NOW), LATER)
    assert payable.is_paid and payable.payments[0].provider_state is ProviderState.SUCCEEDED
    [succeeded] = announced(payable)
    assert isinstance(succeeded, contract.PaymentSucceeded) and succeeded.amount == 1000
    assert not payable.apply_provider_report(ProviderReport(reference, ProviderState.SUCCEEDED, 1000, "CNY"), LATER)
    assert payable.pull_events() == []


def test_a_success_for_another_amount_is_refused():
    payable = _payable()
    reference = _started(payable)
    with pytest.raises(ProviderNoticeMismatch):
        payable.apply_provider_report(ProviderReport(reference, ProviderState.SUCCEEDED, 999, "CNY"), LATER)


@pytest.mark.parametrize("state", [ProviderState.UNKNOWN, ProviderState.FAILED])
def test_a_dead_or_failed_attempt_fails_so_a_new_one_may_start(state):
    payable = _payable()
    reference = _started(payable)
    assert payable.apply_provider_report(ProviderReport(reference, state), LATER)
    assert payable.payments[0].status is PaymentStatus.FAILED and payable.pending_payment is None
    [failed] = announced(payable)
    assert isinstance(failed, contract.PaymentFailed) and failed.payment_id == "pay-1"
    assert failed.reason.startswith("the payment provider")
    _started(payable, 2)  # allowed now


def test_an_attempt_cancelled_at_the_provider_expires_silently_and_pending_changes_nothing():
    payable = _payable()
    reference = _started(payable)
    assert not payable.apply_provider_report(ProviderReport(reference, ProviderState.PENDING, 1000, "CNY"), LATER)
    assert payable.payments[0].status is PaymentStatus.PENDING
    assert payable.payments[0].provider_checked_at == LATER
    assert payable.apply_provider_report(ProviderReport(reference, ProviderState.CANCELLED, 1000, "CNY"), LATER)
    assert payable.payments[0].status is PaymentStatus.EXPIRED and payable.pull_events() == []


def test_reconciliation_asks_about_old_pending_and_unconfirmed_expired_attempts_only():
    criteria = ReconcileCriteria(pending_before=NOW, expired_since=NOW - timedelta(days=3),
                                 checked_before=NOW - timedelta(minutes=1))
    payable = _payable()
    _started(payable)
    payment = payable.payments[0]
    assert needs_asking(payment, criteria)  # created at NOW: old enough
    payment.provider_checked_at = NOW
    assert not needs_asking(payment, criteria)  # asked a moment ago
    payment.provider_checked_at = None
    payable.close("deadline passed", NOW)
    assert needs_asking(payment, criteria)  # expired without the provider's word
    payment.provider_state = ProviderState.CANCELLED
    assert not needs_asking(payment, criteria)  # final at the provider
    young = replace(criteria, pending_before=NOW - timedelta(minutes=5))
    fresh = _payable()
    _started(fresh)
    assert not needs_asking(fresh.payments[0], young)
