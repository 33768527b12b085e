"""The provider's own book: payments it was asked to collect, their outcome, and refunds.

Rules a provider enforces whoever its merchant is: an outcome is decided once (succeeded,
failed, or cancelled by the merchant — a cancelled payment can no longer be paid); only a
captured (succeeded) payment can be refunded, and never by more than was captured minus what
was already refunded; a refund reference is the merchant's idempotency key (the same request
again returns the same refund, a different one under that reference is refused).

The book lives in SQLite (`store.py`): it survives a restart of the simulator.
"""

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tradeflow_simulators.edge import ProviderError
from tradeflow_simulators.psp.store import connect, from_ts, to_ts


class PspStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LedgerError(ProviderError):
    """A request the provider refuses; `code` is its stable error code, `status` the HTTP status."""


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


def _payment(row: sqlite3.Row) -> PspPayment:
    return PspPayment(row["psp_reference"], row["merchant_reference"], row["amount"], row["currency"],
                      row["notify_url"], from_ts(row["created_at"]), PspStatus(row["status"]),
                      from_ts(row["decided_at"]), row["refunded"])


def _refund(row: sqlite3.Row) -> PspRefund:
    return PspRefund(row["refund_psp_reference"], row["psp_reference"], row["refund_reference"], row["amount"],
                     from_ts(row["created_at"]))


class Ledger:
    """The book on a SQLite connection (`path`: a file, or `:memory:`)."""

    def __init__(self, path: str = ":memory:", connection: sqlite3.Connection | None = None) -> None:
        self.db = connection or connect(path)

    def create_payment(self, merchant_reference: str, amount: int, currency: str, notify_url: str) -> PspPayment:
        """Every request is a new payment, also for a merchant reference seen before (a new attempt)."""
        payment = PspPayment(_reference("psp"), merchant_reference, amount, currency, notify_url, datetime.now(UTC))
        self.db.execute(
            "INSERT INTO payments (psp_reference, merchant_reference, amount, currency, notify_url, created_at, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (payment.psp_reference, merchant_reference, amount, currency, notify_url, to_ts(payment.created_at),
             payment.status.value))
        return payment

    def payment(self, psp_reference: str) -> PspPayment:
        row = self.db.execute("SELECT * FROM payments WHERE psp_reference = ?", (psp_reference,)).fetchone()
        if row is None:
            raise UnknownPayment(f"no payment {psp_reference}")
        return _payment(row)

    def payments(self, created_from: datetime | None = None, created_to: datetime | None = None,
                 after: PspPayment | None = None, limit: int = 100) -> list[PspPayment]:
        """Payments created in [created_from, created_to), oldest first, after `after` (paging)."""
        where, args = [], []
        if created_from is not None:
            where.append("created_at >= ?")
            args.append(to_ts(created_from))
        if created_to is not None:
            where.append("created_at < ?")
            args.append(to_ts(created_to))
        if after is not None:
            where.append("(created_at, psp_reference) > (?, ?)")
            args += [to_ts(after.created_at), after.psp_reference]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.execute(f"SELECT * FROM payments {clause} ORDER BY created_at, psp_reference LIMIT ?",
                               (*args, limit)).fetchall()
        return [_payment(r) for r in rows]

    def decide(self, psp_reference: str, succeed: bool) -> PspPayment:
        """The buyer's outcome; refused (409) once decided, also when the merchant cancelled it."""
        return self._settle(psp_reference, PspStatus.SUCCEEDED if succeed else PspStatus.FAILED)

    def cancel(self, psp_reference: str) -> PspPayment:
        """The merchant closes an undecided payment: the buyer can no longer pay it. Cancelling a
        cancelled payment again answers the same; a decided one is refused (409, with its status)."""
        payment = self.payment(psp_reference)
        if payment.status is PspStatus.CANCELLED:
            return payment
        return self._settle(psp_reference, PspStatus.CANCELLED)

    def _settle(self, psp_reference: str, status: PspStatus) -> PspPayment:
        decided_at = datetime.now(UTC)
        changed = self.db.execute("UPDATE payments SET status = ?, decided_at = ? WHERE psp_reference = ? "
                                  "AND status = 'pending'", (status.value, to_ts(decided_at), psp_reference)).rowcount
        payment = self.payment(psp_reference)
        if not changed:
            raise AlreadyDecided(f"payment {psp_reference} already {payment.status}", payment_status=payment.status)
        return payment

    def refund(self, psp_reference: str, amount: int, refund_reference: str) -> tuple[PspRefund, bool]:
        """The refund and whether it is new (False: the same request was made before)."""
        row = self.db.execute("SELECT * FROM refunds WHERE refund_reference = ?", (refund_reference,)).fetchone()
        if row is not None:
            earlier = _refund(row)
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
        with self.db:  # one transaction: the refund and the payment's refunded total
            self.db.execute("BEGIN")
            self.db.execute("UPDATE payments SET refunded = refunded + ? WHERE psp_reference = ?",
                            (amount, psp_reference))
            self.db.execute("INSERT INTO refunds (refund_reference, refund_psp_reference, psp_reference, amount, "
                            "created_at) VALUES (?, ?, ?, ?, ?)", (refund_reference, refund.refund_psp_reference,
                                                                   psp_reference, amount, to_ts(refund.created_at)))
        return refund, True

    def close(self) -> None:
        self.db.close()
