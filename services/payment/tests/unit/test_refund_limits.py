from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_contracts import payments as contract
from tradeflow_payment.app.announcements import contract_for
from tradeflow_payment.domain.errors import NothingPaid, RefundExceedsPaid, RefundSpansPayments
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Payment, PaymentStatus, Trigger
from tradeflow_payment.domain.refunds import Refund, RefundStatus, payment_to_refund

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
    if amount:
        payable.start_payment("pay-1", "psp-1", "http://psp/pay/psp-1", NOW)
        payable.record_provider_outcome("psp-1", Trigger.SUCCEED, amount, "CNY", NOW)
    payable.pull_events()
    return payable


def test_partial_refunds_add_up_to_the_paid_amount():
    payable = _paid(1000)
    payable.record_refund("r-1", 300, "damaged", "rf-1", NOW)
    payable.record_refund("r-2", 700, "returned", "rf-2", NOW)
    assert payable.refunded_amount == 1000
    assert announced(payable) == [refunded("r-1", 300, 300), refunded("r-2", 700, 1000)]


def test_rejects_refund_above_paid_amount():
    with pytest.raises(RefundExceedsPaid, match="paid 1000"):
        _paid(1000).refund_route(1001)


def test_rejects_refund_above_what_is_left_after_earlier_refunds():
    payable = _paid(1000)
    payable.record_refund("r-1", 600, "damaged", "rf-1", NOW)
    with pytest.raises(RefundExceedsPaid, match="refundable 400"):
        payable.refund_route(401)
    assert payable.refund_route(400).id == "pay-1"


def test_a_refused_refund_is_recorded_and_announced_as_failed():
    payable = _paid(1000)
    payable.refuse_refund("r-1", 5000, "goodwill", "a refund of 5000 exceeds the refundable 1000", NOW)
    assert payable.refunded_amount == 0 and payable.refund("r-1").status is RefundStatus.FAILED
    why = "a refund of 5000 exceeds the refundable 1000"
    assert announced(payable) == [contract.RefundFailed(order_id="order-1", refund_id="r-1", reason=why)]


def test_nothing_is_refundable_from_a_zero_amount_or_unpaid_order():
    with pytest.raises(NothingPaid):
        _paid(0).refund_route(1)


def test_a_repeated_refund_announces_the_first_outcome_again():
    payable = _paid(1000)
    payable.record_refund("r-1", 300, "damaged", "rf-1", NOW)
    payable.record_refund("r-2", 200, "damaged", "rf-2", NOW)
    payable.pull_events()
    payable.repeat_refund_outcome("r-1")
    assert announced(payable) == [refunded("r-1", 300, 300)]


def test_a_refund_goes_back_through_one_payment_that_covers_it():
    payments = [Payment(f"pay-{n}", "order-1", 500, "CNY", NOW, PaymentStatus.SUCCEEDED, f"psp-{n}") for n in (1, 2)]
    refunds = [Refund("r-1", "order-1", 400, "x", RefundStatus.SUCCEEDED, NOW, payment_id="pay-1")]
    assert payment_to_refund(payments, refunds, 100).id == "pay-1"
    assert payment_to_refund(payments, refunds, 500).id == "pay-2"
    with pytest.raises(RefundSpansPayments):
        payment_to_refund(payments, refunds, 600)
