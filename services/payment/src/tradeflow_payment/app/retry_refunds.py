"""Asking the provider to make a pending refund, and the job that asks again until it has.

A refund the provider could not take (unreachable, 5xx, timeout: ProviderUnavailable) stays
pending and is tried again with the SAME refund reference — the provider makes no second refund
for one reference, so a call that timed out after the provider made the refund is harmless —
after the refund backoff (doubling from `RefundBackoff.first` up to `RefundBackoff.cap`), forever:
the provider may still make it, and the money is the buyer's. After `warn_after` attempts each
further one is logged as a warning for staff (the payment view shows attempts and last error).
A refusal (ProviderRefused) fails the refund and is announced (RefundFailed).

Every replica may run the job: each order with a due refund is claimed with SKIP LOCKED, in its
own transaction, so a message handler or another replica holding the order is never waited for.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from tradeflow_kit.periodic import run_rounds
from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.order_batches import order_by_order
from tradeflow_payment.app.ports import (
    Collaborators,
    PaymentTransaction,
    ProviderRefused,
    ProviderUnavailable,
    Transactions,
)
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.refunds import Refund

log = structlog.get_logger(__name__)



@dataclass(frozen=True)
class RefundRetryPolicy:
    interval: timedelta = timedelta(seconds=1)  # how often the job looks for due refunds
    warn_after: int = 10  # attempts after which each further one is a warning
    batch: int = 50  # orders per round (a full round runs again at once)


async def attempt_refund(payable: Payable, refund: Refund, c: Collaborators, now: datetime) -> None:
    """Ask the provider to make the pending refund; settle it (announced) or postpone it."""
    route = payable.payment(str(refund.payment_id))
    psp_reference = route.psp_reference if route is not None else None
    try:
        receipt = await c.provider.refund(psp_reference=str(psp_reference), amount=refund.amount,
                                          refund_reference=refund.id)
    except ProviderRefused as refused:
        payable.fail_refund(refund.id, str(refused), now)
    except ProviderUnavailable as unavailable:
        payable.postpone_refund(refund.id, str(unavailable), now + c.refund_backoff.delay(refund.attempts + 1))
    else:
        payable.settle_refund(refund.id, receipt.psp_reference, now)


async def retry_one(tx: PaymentTransaction, c: Collaborators, policy: RefundRetryPolicy) -> bool:
    """Try the due pending refunds of one claimed order again; False when none is due now."""
    now = c.clock.now()
    order_id = await tx.payables.claim_for_refund_retry(now)
    payable = await tx.payables.get(order_id, lock=True) if order_id is not None else None
    if payable is None:
        return False
    for refund in payable.due_refunds(now):
        await attempt_refund(payable, refund, c, now)
        _report(refund, policy)
    await save_and_announce(tx, payable)
    return True


def _report(refund: Refund, policy: RefundRetryPolicy) -> None:
    if refund.pending and refund.attempts >= policy.warn_after:
        log.warning("payment.refund_still_pending", order_id=refund.order_id, refund_id=refund.id,
                    amount=refund.amount, attempts=refund.attempts, last_error=refund.last_error,
                    next_attempt_at=refund.next_attempt_at.isoformat() if refund.next_attempt_at else None)
    elif not refund.pending:
        log.info("payment.refund_retried", order_id=refund.order_id, refund_id=refund.id,
                 status=refund.status.value, attempts=refund.attempts)


async def retry_refunds_round(transactions: Transactions, c: Collaborators, policy: RefundRetryPolicy) -> int:
    """Retry the due refunds of up to `batch` orders; how many orders were."""
    return await order_by_order(transactions, lambda tx: retry_one(tx, c, policy), policy.batch)


async def run_refund_retries(transactions: Transactions, c: Collaborators, policy: RefundRetryPolicy,
                             stop: asyncio.Event) -> None:
    """Rounds every `interval` (at once again after a full batch) until `stop` is set."""
    async def round_() -> int:
        return await retry_refunds_round(transactions, c, policy)

    await run_rounds("payment.refund_retry", round_, stop, interval=policy.interval.total_seconds(),
                     full=policy.batch)
