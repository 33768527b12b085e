"""Refunds go back along the original route (原路返回), full or partial, never more than was
paid minus what was refunded already or is being refunded (DOMAIN §2).

A refund's life:

    pending ──provider made it──▶ succeeded   (PaymentRefunded)
    pending ──provider refused──▶ failed      (RefundFailed)

A refund is pending from the moment we accept it until the provider answers: while the provider
cannot be reached it stays pending and is tried again (`attempts`, `next_attempt_at`,
`last_error`) with the same refund reference, for as long as it takes — the provider makes no
second refund for one reference. A pending refund counts against the refundable amount, so two
refunds can never together exceed what was paid; it counts as refunded only once it succeeded.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tradeflow_payment.domain.errors import (
    IllegalTransition,
    NothingPaid,
    PaymentNotSucceeded,
    RefundExceedsPaid,
    RefundSpansPayments,
)
from tradeflow_payment.domain.payment import Payment


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass
class Refund:
    """A refund: accepted and waiting for the provider (pending), made at the provider
    (succeeded) or refused (failed, with why)."""

    id: str
    order_id: str
    amount: int
    reason: str
    status: RefundStatus
    created_at: datetime
    payment_id: str | None = None
    psp_reference: str | None = None
    failure_reason: str | None = None
    attempts: int = 0  # calls to the provider so far
    next_attempt_at: datetime | None = None  # when a pending refund is tried again
    last_error: str | None = None  # why the provider could not be reached last time
    settled_at: datetime | None = None
    requested_by: str | None = None  # the staff member who asked for it; None: the order saga

    @property
    def succeeded(self) -> bool:
        return self.status is RefundStatus.SUCCEEDED

    @property
    def pending(self) -> bool:
        return self.status is RefundStatus.PENDING

    @property
    def settled_or_created_at(self) -> datetime:
        return self.settled_at or self.created_at

    def succeed(self, psp_reference: str, now: datetime) -> None:
        self._ensure_pending()
        self.status, self.psp_reference, self.settled_at = RefundStatus.SUCCEEDED, psp_reference, now
        self.attempts, self.next_attempt_at = self.attempts + 1, None

    def fail(self, why: str, now: datetime) -> None:
        self._ensure_pending()
        self.status, self.failure_reason, self.settled_at = RefundStatus.FAILED, why, now
        self.attempts, self.next_attempt_at = self.attempts + 1, None

    def postpone(self, error: str, next_attempt_at: datetime) -> None:
        """The provider could not be reached: try again at `next_attempt_at`."""
        self._ensure_pending()
        self.attempts, self.last_error, self.next_attempt_at = self.attempts + 1, error, next_attempt_at

    def _ensure_pending(self) -> None:
        if not self.pending:
            raise IllegalTransition(f"refund {self.id} of order {self.order_id} is {self.status} already")


@dataclass(frozen=True)
class RefundBackoff:
    """When a refund the provider could not take is tried again: `first` after the first failed
    attempt, doubling each time, never more than `cap` apart — and never given up on."""

    first: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=5)

    def delay(self, attempts: int) -> timedelta:
        """The wait after `attempts` (≥ 1) failed attempts."""
        exponent = max(attempts - 1, 0)
        if exponent >= 32 or self.first * 2 ** exponent >= self.cap:
            return self.cap
        return self.first * 2 ** exponent


def paid_amount(payments: Sequence[Payment]) -> int:
    return sum(p.amount for p in payments if p.succeeded)


def refunded_amount(refunds: Sequence[Refund], payment_id: str | None = None) -> int:
    """What was given back (succeeded refunds only)."""
    return sum(r.amount for r in refunds if r.succeeded and payment_id in (None, r.payment_id))


def pending_amount(refunds: Sequence[Refund], payment_id: str | None = None) -> int:
    """What is being given back (accepted, the provider has not made it yet)."""
    return sum(r.amount for r in refunds if r.pending and payment_id in (None, r.payment_id))


def payment_to_refund(payments: Sequence[Payment], refunds: Sequence[Refund], amount: int) -> Payment:
    """The paid attempt the refund goes back through: the earliest one that still covers `amount`.

    Raises NothingPaid, RefundExceedsPaid (more than paid − refunded − pending) or RefundSpansPayments.
    """
    paid, refunded, pending = paid_amount(payments), refunded_amount(refunds), pending_amount(refunds)
    if paid == 0:
        raise NothingPaid("nothing was paid for this order")
    _ensure_refundable(amount, paid, refunded, pending, "")
    for payment in (p for p in payments if p.succeeded):
        if payment.amount - refunded_amount(refunds, payment.id) - pending_amount(refunds, payment.id) >= amount:
            return payment
    raise RefundSpansPayments(f"no single payment of this order covers a refund of {amount}; "
                              "refund each payment separately")


def refund_through(payment: Payment, refunds: Sequence[Refund], amount: int) -> Payment:
    """`payment` as the route of a refund of `amount` someone named it for: it must have taken the
    money (PaymentNotSucceeded) and still cover the amount — its amount − refunded − being
    refunded through it (RefundExceedsPaid)."""
    if not payment.succeeded:
        raise PaymentNotSucceeded(f"payment {payment.id} is {payment.status}: only a succeeded payment can be "
                                  "refunded")
    refunded, pending = refunded_amount(refunds, payment.id), pending_amount(refunds, payment.id)
    _ensure_refundable(amount, payment.amount, refunded, pending, f" of payment {payment.id}")
    return payment


def _ensure_refundable(amount: int, paid: int, refunded: int, pending: int, of: str) -> None:
    refundable = paid - refunded - pending
    if amount > refundable:
        being = f", being refunded {pending}" if pending else ""
        raise RefundExceedsPaid(f"a refund of {amount} exceeds the refundable {refundable}{of} "
                                f"(paid {paid}, refunded {refunded}{being})", refundable)
