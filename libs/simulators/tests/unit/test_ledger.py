import pytest

from tradeflow_simulators.psp.ledger import (
    AlreadyDecided,
    ExceedsCaptured,
    Ledger,
    NotCaptured,
    PspStatus,
    ReferenceReused,
    UnknownPayment,
)
from tradeflow_simulators.psp.webhooks import RetryPolicy


def _captured(amount: int = 1000) -> tuple[Ledger, str]:
    ledger = Ledger()
    payment = ledger.create_payment("order-1", amount, "CNY", "http://merchant/callbacks")
    ledger.decide(payment.psp_reference, succeed=True)
    return ledger, payment.psp_reference


def test_a_new_request_for_the_same_merchant_reference_is_a_new_payment():
    ledger = Ledger()
    first = ledger.create_payment("order-1", 1000, "CNY", "http://merchant/callbacks")
    ledger.decide(first.psp_reference, succeed=False)
    second = ledger.create_payment("order-1", 1000, "CNY", "http://merchant/callbacks")
    assert second.psp_reference != first.psp_reference
    assert (ledger.payment(first.psp_reference).status, second.status) == (PspStatus.FAILED, PspStatus.PENDING)


def test_an_outcome_is_decided_only_once():
    ledger, reference = _captured()
    with pytest.raises(AlreadyDecided):
        ledger.decide(reference, succeed=False)


def test_refuses_to_refund_more_than_was_captured_minus_refunded():
    ledger, reference = _captured(1000)
    ledger.refund(reference, 600, "r-1")
    with pytest.raises(ExceedsCaptured):
        ledger.refund(reference, 401, "r-2")
    ledger.refund(reference, 400, "r-3")
    assert ledger.payment(reference).refunded == 1000


def test_the_same_refund_reference_returns_the_same_refund_once():
    ledger, reference = _captured(1000)
    first, new = ledger.refund(reference, 300, "r-1")
    again, new_again = ledger.refund(reference, 300, "r-1")
    assert (new, new_again) == (True, False)
    assert again == first and ledger.payment(reference).refunded == 300


def test_a_refund_reference_cannot_be_reused_for_another_amount():
    ledger, reference = _captured(1000)
    ledger.refund(reference, 300, "r-1")
    with pytest.raises(ReferenceReused):
        ledger.refund(reference, 200, "r-1")


def test_refuses_refunds_of_unknown_or_uncaptured_payments():
    ledger = Ledger()
    pending = ledger.create_payment("order-1", 1000, "CNY", "http://merchant/callbacks")
    with pytest.raises(NotCaptured):
        ledger.refund(pending.psp_reference, 100, "r-1")
    with pytest.raises(UnknownPayment):
        ledger.refund("psp_nope", 100, "r-2")


def test_a_cancelled_payment_cannot_be_decided_and_a_decided_one_cannot_be_cancelled():
    ledger = Ledger()
    payment = ledger.create_payment("order-1", 1000, "CNY", "http://merchant/callbacks")
    assert ledger.cancel(payment.psp_reference).status is PspStatus.CANCELLED
    assert ledger.cancel(payment.psp_reference).status is PspStatus.CANCELLED  # again: same answer
    with pytest.raises(AlreadyDecided):
        ledger.decide(payment.psp_reference, succeed=True)
    captured_ledger, captured = _captured()
    with pytest.raises(AlreadyDecided):
        captured_ledger.cancel(captured)


def test_the_book_survives_reopening_its_file(tmp_path):
    path = str(tmp_path / "book.db")
    ledger = Ledger(path)
    payment = ledger.create_payment("order-1", 1000, "CNY", "http://merchant/callbacks")
    ledger.decide(payment.psp_reference, succeed=True)
    ledger.refund(payment.psp_reference, 300, "r-1")
    ledger.close()
    reopened = Ledger(path)
    assert (reopened.payment(payment.psp_reference).status, reopened.payment(payment.psp_reference).refunded) == (
        PspStatus.SUCCEEDED, 300)
    assert reopened.refund(payment.psp_reference, 300, "r-1")[1] is False


def test_webhook_backoff_doubles_up_to_its_cap_and_gives_up_after_the_retry_window():
    policy = RetryPolicy(backoff=1, max_backoff=300, give_up_after=6 * 3600)
    assert [policy.delay(n) for n in (1, 2, 3, 9, 10, 20)] == [1, 2, 4, 256, 300, 300]
    assert not policy.gives_up(100, first_at=0, now=6 * 3600 - 1)
    assert policy.gives_up(100, first_at=0, now=6 * 3600)
    assert RetryPolicy(attempts=3).gives_up(3, first_at=0, now=1)
