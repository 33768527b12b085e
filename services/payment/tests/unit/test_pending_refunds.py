"""A refund the provider has not made yet is pending: it counts against what may be refunded,
is announced only when it settles, and a repeat while pending announces nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_contracts import payments as contract
from tradeflow_payment.app.announcements import contract_for
from tradeflow_payment.domain.errors import IllegalTransition, RefundExceedsPaid
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Trigger
from tradeflow_payment.domain.refunds import RefundBackoff, RefundStatus

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def announced(payable: Payable) -> list:
    """What the payable's recorded events announce (the contracts other services receive)."""
    return [contract_for(event, payable) for event in payable.pull_events()]


def refunded(refund_id: str, amount: int, total: int) -> contract.PaymentRefunded:
    return contract.PaymentRefunded(order_id="order-1", refund_id=refund_id, amount=amount, refunded_total=total,
                                    paid_amount=1000)


def _paid(amount: int = 1000) -> Payable:
    payable = Payable.open(order_id="order-1", buyer_id="buyer-1", amount=amount, currency="CNY",
                           deadline=NOW + timedelta(hours=1), now=NOW, new_payment_id=lambda: "pay-free")
    payable.start_payment("pay-1", "psp-1", "http://psp/pay/psp-1", NOW)
    payable.record_provider_outcome("psp-1", Trigger.SUCCEED, amount, "CNY", NOW)
    payable.pull_events()
    return payable


def test_an_accepted_refund_is_pending_routed_and_announces_nothing():
    payable = _paid()
    refund = payable.accept_refund("r-1", 400, "return", NOW)
    assert (refund.status, refund.payment_id, refund.attempts) == (RefundStatus.PENDING, "pay-1", 0)
    assert payable.refunded_amount == 0  # not given back yet
    assert payable.pull_events() == []


def test_a_pending_refund_counts_against_the_refundable_amount():
    payable = _paid()
    payable.accept_refund("r-1", 700, "return", NOW)
    with pytest.raises(RefundExceedsPaid, match=r"refundable 300 .*being refunded 700"):
        payable.accept_refund("r-2", 301, "return", NOW)
    assert payable.accept_refund("r-2", 300, "return", NOW).status is RefundStatus.PENDING
    with pytest.raises(RefundExceedsPaid, match="refundable 0"):
        payable.refund_route(1)


def test_a_failed_pending_refund_frees_its_amount_again():
    payable = _paid()
    payable.accept_refund("r-1", 1000, "return", NOW)
    payable.fail_refund("r-1", "422 amount_exceeds_captured", NOW)
    assert payable.refund_route(1000).id == "pay-1"


def test_settling_a_pending_refund_announces_it_with_the_total_refunded():
    payable = _paid()
    payable.accept_refund("r-1", 400, "return", NOW)
    payable.postpone_refund("r-1", "503 from the payment provider", NOW + timedelta(seconds=2))
    payable.record_refund("r-2", 100, "goodwill", "rf-2", NOW + timedelta(seconds=1))  # settles first
    later = NOW + timedelta(seconds=3)
    refund = payable.settle_refund("r-1", "rf-1", later)
    assert (refund.status, refund.psp_reference, refund.attempts, refund.settled_at) == (
        RefundStatus.SUCCEEDED, "rf-1", 2, later)
    assert refund.next_attempt_at is None and payable.refunded_amount == 500
    assert announced(payable) == [refunded("r-2", 100, 100), refunded("r-1", 400, 500)]
    payable.repeat_refund_outcome("r-2")  # a repeat restates what was announced then
    assert announced(payable) == [refunded("r-2", 100, 100)]


def test_a_refusal_fails_the_pending_refund_and_announces_why():
    payable = _paid()
    payable.accept_refund("r-1", 400, "return", NOW)
    payable.fail_refund("r-1", "422 amount_exceeds_captured", NOW)
    assert payable.refund("r-1").status is RefundStatus.FAILED
    assert announced(payable) == [
        contract.RefundFailed(order_id="order-1", refund_id="r-1", reason="422 amount_exceeds_captured")]


def test_a_repeat_while_pending_announces_nothing_and_after_settling_the_outcome():
    payable = _paid()
    payable.accept_refund("r-1", 400, "return", NOW)
    assert payable.repeat_refund_outcome("r-1") is False
    assert payable.pull_events() == []
    payable.settle_refund("r-1", "rf-1", NOW)
    payable.pull_events()
    assert payable.repeat_refund_outcome("r-1") is True
    assert announced(payable) == [refunded("r-1", 400, 400)]


def test_a_postponed_refund_is_due_again_at_its_next_attempt_only():
    payable = _paid()
    refund = payable.accept_refund("r-1", 400, "return", NOW)
    payable.postpone_refund("r-1", "connection refused", NOW + timedelta(seconds=2))
    assert (refund.attempts, refund.last_error) == (1, "connection refused")
    assert payable.due_refunds(NOW + timedelta(seconds=1)) == []
    assert payable.due_refunds(NOW + timedelta(seconds=2)) == [refund]


def test_a_settled_refund_cannot_settle_or_be_postponed_again():
    payable = _paid()
    payable.record_refund("r-1", 400, "return", "rf-1", NOW)
    with pytest.raises(IllegalTransition):
        payable.settle_refund("r-1", "rf-1", NOW)
    with pytest.raises(IllegalTransition):
        payable.postpone_refund("r-1", "503", NOW)
    assert payable.due_refunds(NOW + timedelta(days=1)) == []


def test_the_backoff_doubles_from_the_first_delay_up_to_the_cap():
    backoff = RefundBackoff(first=timedelta(seconds=2), cap=timedelta(minutes=5))
    assert [backoff.delay(n).total_seconds() for n in range(1, 11)] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert backoff.delay(10_000) == timedelta(minutes=5)
