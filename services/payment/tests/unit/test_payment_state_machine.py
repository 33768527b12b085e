from datetime import UTC, datetime

import pytest

from tradeflow_payment.domain.errors import IllegalTransition
from tradeflow_payment.domain.payment import TRANSITIONS, Payment, PaymentStatus, Trigger

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _payment(status: PaymentStatus = PaymentStatus.PENDING) -> Payment:
    return Payment("pay-1", "order-1", 1000, "CNY", NOW, status=status, psp_reference="psp-1")


@pytest.mark.parametrize(("trigger", "target"), [
    (Trigger.SUCCEED, PaymentStatus.SUCCEEDED),
    (Trigger.FAIL, PaymentStatus.FAILED),
    (Trigger.EXPIRE, PaymentStatus.EXPIRED),
])
def test_a_pending_payment_ends_succeeded_failed_or_expired(trigger, target):
    payment = _payment()
    payment.apply(trigger, NOW)
    assert payment.status is target and payment.settled_at == NOW


def test_an_expired_payment_still_succeeds_when_the_provider_took_the_money():
    payment = _payment(PaymentStatus.EXPIRED)
    payment.apply(Trigger.SUCCEED, NOW)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.failure_reason is None


def test_every_move_outside_the_table_raises():
    allowed = set(TRANSITIONS)
    for status in PaymentStatus:
        for trigger in Trigger:
            if (status, trigger) in allowed:
                continue
            with pytest.raises(IllegalTransition):
                _payment(status).apply(trigger, NOW)


def test_a_failed_payment_cannot_succeed_later():
    with pytest.raises(IllegalTransition, match="failed"):
        _payment(PaymentStatus.FAILED).apply(Trigger.SUCCEED, NOW)


def test_repeated_provider_outcomes_are_recognised_not_reapplied():
    assert _payment(PaymentStatus.SUCCEEDED).already_shows(Trigger.SUCCEED)
    assert _payment(PaymentStatus.FAILED).already_shows(Trigger.FAIL)
    assert _payment(PaymentStatus.EXPIRED).already_shows(Trigger.FAIL)
    assert not _payment(PaymentStatus.EXPIRED).already_shows(Trigger.SUCCEED)
    assert not _payment(PaymentStatus.SUCCEEDED).already_shows(Trigger.FAIL)
