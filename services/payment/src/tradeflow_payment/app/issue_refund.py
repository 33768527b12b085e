"""Staff refund a payment (POST /payments/{id}/refunds): money back along that payment's route,
at most what it took − refunded − being refunded, by the same path as the order saga's
RefundPayment (refund_payment.py) — accepted pending, the provider asked at once
(`attempt_refund`), the outcome announced when it answers (PaymentRefunded with the running
`refunded_total`, or RefundFailed), so the order service attributes it to the lines and closes a
fully refunded order. A provider that cannot be reached leaves it pending for the retry job.

Unlike the saga's command, a refund our rules refuse (the payment took no money, more than is
refundable) is not recorded: the request is refused and nothing changes — staff correct it.

The refund id is derived from the request's Idempotency-Key (with the payment and the staff
member), and it is the refund reference the provider gets: a request retried after a crash
between the provider's answer and our commit makes no second refund at the provider. As in
RefundPayment, the payable stays locked during the provider call, so concurrent refunds of one
order cannot together pass the limit.
"""

import hashlib
from dataclasses import dataclass

import structlog

from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.errors import PaymentNotFound
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.app.retry_refunds import attempt_refund
from tradeflow_payment.domain.refunds import Refund

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RefundRequest:
    payment_id: str
    amount: int
    reason: str
    requested_by: str  # the staff member (the token's `sub`)
    idempotency_key: str


@dataclass(frozen=True)
class IssuedRefund:
    refund: Refund
    currency: str


def refund_id_for(request: RefundRequest) -> str:
    """The same payment, staff member and key always name the same refund."""
    seed = "\n".join((request.payment_id, request.requested_by, request.idempotency_key))
    return f"rfd_{hashlib.sha256(seed.encode()).hexdigest()[:32]}"


async def issue_refund(tx: PaymentTransaction, request: RefundRequest, c: Collaborators) -> IssuedRefund:
    order_id = await tx.payables.order_of_payment(request.payment_id)
    payable = await tx.payables.get(order_id, lock=True) if order_id is not None else None
    if payable is None:
        raise PaymentNotFound(f"no payment {request.payment_id}")
    now = c.clock.now()
    refund = payable.accept_refund(refund_id_for(request), request.amount, request.reason, now,
                                   payment_id=request.payment_id, requested_by=request.requested_by)
    await attempt_refund(payable, refund, c, now)
    await save_and_announce(tx, payable)
    log.info("payment.refund_issued", order_id=payable.order_id, payment_id=request.payment_id,
             refund_id=refund.id, amount=refund.amount, status=refund.status.value,
             requested_by=request.requested_by, reason=request.reason)
    return IssuedRefund(refund, payable.currency)
