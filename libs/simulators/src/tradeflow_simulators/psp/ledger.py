"""The provider's own book: payments it was asked to collect, their outcome, and refunds.

Rules a provider enforces whoever its merchant is: an outcome is decided once; only a captured
(succeeded) payment can be refunded, and never by more than was captured minus what was
already refunded; a refund reference is the merchant's idempotency key (the same request again
returns the same refund, a different one under that reference is refused).
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class PspStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LedgerError(Exception):
    """A request the provider refuses; `code` is its stable error code, `status` the HTTP status."""

    code, status = "invalid_request", 400


class UnknownPayment(LedgerError):
    code, status = "payment_not_found", 404


class AlreadyDecided(LedgerError):
    code, status = "payment_already_decided", 409


class NotCaptured(LedgerError):
    code, status = "payment_not_captured", 409


class ExceedsCaptured(LedgerError):
    code, status = "amount_exceeds_captured", 422


class ReferenceReused(LedgerError):
    code, status = "refund_reference_reused", 409


@dataclass
class PspPayment:
    psp_reference: str
    merchant_reference: str
    amount: int
    currency: str
    notify_url: str
    created_at: datetime
    status: PspStatus = PspStatus.PENDING
    decided_at: datetime | None = None
    refunded: int = 0


@dataclass(frozen=True)
class PspRefund:
    refund_psp_reference: str
    psp_reference: str
    refund_reference: str
    amount: int
    created_at: datetime


def _reference(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


@dataclass
class Ledger:
    payments: dict[str, PspPayment] = field(default_factory=dict)
    refunds: dict[str, PspRefund] = field(default_factory=dict)  # by the merchant's refund reference

    def create_payment(self, merchant_reference: str, amount: int, currency: str, notify_url: str) -> PspPayment:
        """Every request is a new payment, also for a merchant reference seen before (a new attempt)."""
        payment = PspPayment(_reference("psp"), merchant_reference, amount, currency, notify_url, datetime.now(UTC))
        self.payments[payment.psp_reference] = payment
        return payment

    def payment(self, psp_reference: str) -> PspPayment:
        if (payment := self.payments.get(psp_reference)) is None:
            raise UnknownPayment(f"no payment {psp_reference}")
        return payment

    def decide(self, psp_reference: str, succeed: bool) -> PspPayment:
        payment = self.payment(psp_reference)
        if payment.status is not PspStatus.PENDING:
            raise AlreadyDecided(f"payment {psp_reference} already {payment.status}")
        payment.status = PspStatus.SUCCEEDED if succeed else PspStatus.FAILED
        payment.decided_at = datetime.now(UTC)
        return payment

    def refund(self, psp_reference: str, amount: int, refund_reference: str) -> tuple[PspRefund, bool]:
        """The refund and whether it is new (False: the same request was made before)."""
        if (earlier := self.refunds.get(refund_reference)) is not None:
            if (earlier.psp_reference, earlier.amount) != (psp_reference, amount):
                raise ReferenceReused(f"refund reference {refund_reference} was used for another refund")
            return earlier, False
        payment = self.payment(psp_reference)
        if payment.status is not PspStatus.SUCCEEDED:
            raise NotCaptured(f"payment {psp_reference} is {payment.status}, nothing was captured")
        if amount > payment.amount - payment.refunded:
            raise ExceedsCaptured(f"refund of {amount} exceeds the refundable {payment.amount - payment.refunded} "
                                  f"(captured {payment.amount}, refunded {payment.refunded})")
        refund = PspRefund(_reference("rf"), psp_reference, refund_reference, amount, datetime.now(UTC))
        payment.refunded += amount
        self.refunds[refund_reference] = refund
        return refund, True
