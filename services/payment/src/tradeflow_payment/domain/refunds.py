"""Refunds go back along the original route (原路返回), full or partial, never more than was
paid minus what was refunded already (DOMAIN §2)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_payment.domain.errors import NothingPaid, RefundExceedsPaid, RefundSpansPayments
from tradeflow_payment.domain.payment import Payment


class RefundStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Refund:
    """A refund as it ended: made at the provider (succeeded) or refused (failed, with why)."""

    id: str
    order_id: str
    amount: int
    reason: str
    status: RefundStatus
    created_at: datetime
    payment_id: str | None = None
    psp_reference: str | None = None
    failure_reason: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is RefundStatus.SUCCEEDED


def paid_amount(payments: Sequence[Payment]) -> int:
    return sum(p.amount for p in payments if p.succeeded)


def refunded_amount(refunds: Sequence[Refund], payment_id: str | None = None) -> int:
    return sum(r.amount for r in refunds if r.succeeded and payment_id in (None, r.payment_id))


def payment_to_refund(payments: Sequence[Payment], refunds: Sequence[Refund], amount: int) -> Payment:
    """The paid attempt the refund goes back through: the earliest one that still covers `amount`.

    Raises NothingPaid, RefundExceedsPaid (more than paid − refunded) or RefundSpansPayments.
    """
    paid, refunded = paid_amount(payments), refunded_amount(refunds)
    if paid == 0:
        raise NothingPaid("nothing was paid for this order")
    if amount > paid - refunded:
        raise RefundExceedsPaid(f"a refund of {amount} exceeds the refundable {paid - refunded} "
                                f"(paid {paid}, refunded {refunded})")
    for payment in (p for p in payments if p.succeeded):
        if payment.amount - refunded_amount(refunds, payment.id) >= amount:
            return payment
    raise RefundSpansPayments(f"no single payment of this order covers a refund of {amount}; "
                              "refund each payment separately")
