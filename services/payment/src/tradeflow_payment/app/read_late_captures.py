"""The ops view of late captures: money the provider took after we closed the order's payment
(a lost webhook, a buyer paying a stale page). Each must be refunded automatically (the order
saga does it); the view shows the amounts and where each refund stands, for staff to follow up:
a refund waiting out a PSP outage is `refund_pending`, with its attempts and last error.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tradeflow_payment.app.ports import PaymentTransaction
from tradeflow_payment.domain.payable import Payable

RefundState = Literal["awaiting_refund", "refund_pending", "partially_refunded", "refunded", "refund_failed"]


@dataclass(frozen=True)
class LateCapture:
    order_id: str
    payment_id: str
    psp_reference: str | None
    amount: int
    currency: str
    paid_at: datetime | None
    closed_at: datetime
    close_reason: str | None
    refunded_amount: int
    refund_state: RefundState
    pending_refund_attempts: int = 0  # calls to the PSP for the refund(s) still pending
    pending_refund_error: str | None = None  # why the PSP could not be reached last time


def _refund_state(payable: Payable, payment_id: str, amount: int) -> tuple[int, RefundState]:
    mine = [r for r in payable.refunds if r.payment_id == payment_id or r.payment_id is None]
    refunded = sum(r.amount for r in mine if r.succeeded and r.payment_id == payment_id)
    if refunded >= amount:
        return refunded, "refunded"
    if any(r.pending for r in mine):
        return refunded, "refund_pending"
    if refunded:
        return refunded, "partially_refunded"
    if mine and not mine[-1].succeeded:
        return 0, "refund_failed"
    return 0, "awaiting_refund"


async def read_late_captures(tx: PaymentTransaction, limit: int = 100) -> list[LateCapture]:
    captures = []
    for order_id in await tx.payables.late_capture_orders(limit):
        payable = await tx.payables.get(order_id)
        if payable is None or payable.closed_at is None:
            continue
        for p in (p for p in payable.payments if p.succeeded):
            refunded, state = _refund_state(payable, p.id, p.amount)
            pending = [r for r in payable.refunds if r.pending and r.payment_id == p.id]
            captures.append(LateCapture(order_id, p.id, p.psp_reference, p.amount, p.currency, p.settled_at,
                                        payable.closed_at, payable.close_reason, refunded, state,
                                        sum(r.attempts for r in pending),
                                        next((r.last_error for r in reversed(pending) if r.last_error), None)))
    return captures
