"""Staff refund the payment they name: through that attempt only, which must have taken the money
and still cover the amount on its own; who asked is kept on the refund."""

from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_payment.domain.errors import PaymentNotSucceeded, RefundExceedsPaid, RefundRefused
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Payment, PaymentStatus, Trigger
from tradeflow_payment.domain.refunds import RefundStatus

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _payable() -> Payable:
    return Payable.open(order_id="order-1", buyer_id="buyer-1", amount=1000, currency="CNY",
                        deadline=NOW + timedelta(hours=1), now=NOW, new_payment_id=lambda: "pay-free")


def _paid() -> Payable:
    payable = _payable()
    payable.start_payment("pay-1", "psp-1", "http://psp/pay/psp-1", NOW)
    payable.record_provider_outcome("psp-1", Trigger.SUCCEED, 1000, "CNY", NOW)
    payable.pull_events()
    return payable


def _paid_twice() -> Payable:
    """Two paid attempts (e.g. a deposit and a balance): each is a route of its own."""
    paid = [Payment(f"pay-{n}", "order-1", 1000, "CNY", NOW, PaymentStatus.SUCCEEDED, f"psp-{n}") for n in (1, 2)]
    return Payable("order-1", "buyer-1", 2000, "CNY", NOW + timedelta(hours=1), NOW, payments=paid)


def test_a_refund_named_for_a_payment_goes_through_it_and_records_who_asked():
    payable = _paid_twice()
    assert payable.refund_route(400).id == "pay-1"  # unnamed: the earliest that covers it
    refund = payable.accept_refund("r-1", 400, "goodwill", NOW, payment_id="pay-2", requested_by="staff-1")
    assert (refund.payment_id, refund.status, refund.requested_by) == ("pay-2", RefundStatus.PENDING, "staff-1")
    assert payable.accept_refund("r-2", 100, "return", NOW).requested_by is None  # the order saga's


def test_a_payment_that_took_no_money_cannot_be_refunded():
    payable = _payable()
    payable.start_payment("pay-1", "psp-1", "http://psp/pay/psp-1", NOW)
    with pytest.raises(PaymentNotSucceeded, match="pay-1 is pending"):
        payable.accept_refund("r-1", 100, "goodwill", NOW, payment_id="pay-1")
    payable.record_provider_outcome("psp-1", Trigger.FAIL, 1000, "CNY", NOW)
    with pytest.raises(PaymentNotSucceeded, match="pay-1 is failed"):
        payable.accept_refund("r-1", 100, "goodwill", NOW, payment_id="pay-1")
    assert payable.refunds == []


def test_a_named_payment_refunds_at_most_what_it_took_less_refunded_and_pending():
    payable = _paid()
    payable.record_refund("r-1", 300, "damaged", "rf-1", NOW)
    payable.accept_refund("r-2", 200, "return", NOW, payment_id="pay-1")
    with pytest.raises(RefundExceedsPaid, match=r"refundable 500 of payment pay-1 .*being refunded 200") as refused:
        payable.accept_refund("r-3", 501, "goodwill", NOW, payment_id="pay-1")
    assert refused.value.refundable == 500
    assert payable.accept_refund("r-3", 500, "goodwill", NOW, payment_id="pay-1").amount == 500
    with pytest.raises(RefundExceedsPaid) as none_left:
        payable.refund_route(1, "pay-1")
    assert none_left.value.refundable == 0


def test_each_of_two_paid_attempts_is_refunded_on_its_own():
    payable = _paid_twice()
    payable.accept_refund("r-1", 1000, "late capture", NOW, payment_id="pay-1")
    with pytest.raises(RefundExceedsPaid, match="refundable 0 of payment pay-1"):
        payable.accept_refund("r-2", 1, "goodwill", NOW, payment_id="pay-1")
    assert payable.accept_refund("r-2", 1000, "goodwill", NOW, payment_id="pay-2").payment_id == "pay-2"


def test_a_payment_of_another_order_is_no_route():
    with pytest.raises(RefundRefused, match="no payment pay-9"):
        _paid().accept_refund("r-1", 100, "goodwill", NOW, payment_id="pay-9")
