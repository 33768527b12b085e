"""The reconciliation job: ask the provider about attempts its webhook has not settled, and
apply what the webhook would have.

Asked, per order, at most once per `recheck_every`:
* pending attempts older than `pending_after` — a success or failure whose webhook was lost is
  recorded (the buyer may still pay one the provider reports pending);
* expired attempts (the payment was closed) whose final state the provider has not confirmed,
  for `max_age` — still pending there: cancelled now; succeeded (a late capture): recorded and
  announced, and the order saga refunds it (the ops view lists it).

Every replica may run it: each order is claimed with SKIP LOCKED, in its own transaction.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from tradeflow_kit.periodic import run_rounds
from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ask_provider import ask_provider
from tradeflow_payment.app.order_batches import order_by_order
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction, ReconcileCriteria, Transactions
from tradeflow_payment.domain.payment import Payment, PaymentStatus

log = structlog.get_logger(__name__)



@dataclass(frozen=True)
class ReconcilePolicy:
    interval: timedelta = timedelta(seconds=30)
    pending_after: timedelta = timedelta(minutes=5)
    recheck_every: timedelta = timedelta(minutes=1)
    max_age: timedelta = timedelta(days=3)
    batch: int = 50

    def criteria(self, now: datetime) -> ReconcileCriteria:
        return ReconcileCriteria(pending_before=now - self.pending_after, expired_since=now - self.max_age,
                                 checked_before=now - self.recheck_every)


def needs_asking(payment: Payment, criteria: ReconcileCriteria) -> bool:
    """The same rule as the repository's claim, for the attempts of the claimed order."""
    if payment.psp_reference is None:
        return False
    if payment.provider_checked_at is not None and payment.provider_checked_at > criteria.checked_before:
        return False
    if payment.status is PaymentStatus.PENDING:
        return payment.created_at <= criteria.pending_before
    return (payment.status is PaymentStatus.EXPIRED and payment.created_at >= criteria.expired_since
            and (payment.provider_state is None or not payment.provider_state.is_final))


async def reconcile_one(tx: PaymentTransaction, c: Collaborators, policy: ReconcilePolicy) -> bool:
    """Reconcile one claimed order's attempts; False when no order needs it now."""
    now = c.clock.now()
    criteria = policy.criteria(now)
    order_id = await tx.payables.claim_for_reconciliation(criteria)
    payable = await tx.payables.get(order_id, lock=True) if order_id is not None else None
    if payable is None:
        return False
    for payment in [p for p in payable.payments if needs_asking(p, criteria)]:
        expired = payment.status is PaymentStatus.EXPIRED
        if await ask_provider(payable, payment, c.provider, now, cancel_if_pending=expired) is None:
            payment.provider_checked_at = now  # unreachable: ask again after recheck_every
    await save_and_announce(tx, payable)
    return True


async def reconcile_round(transactions: Transactions, c: Collaborators, policy: ReconcilePolicy) -> int:
    """Reconcile up to `batch` orders; how many were."""
    return await order_by_order(transactions, lambda tx: reconcile_one(tx, c, policy), policy.batch)


async def run_reconciliation(transactions: Transactions, c: Collaborators, policy: ReconcilePolicy,
                             stop: asyncio.Event) -> None:
    """Rounds every `interval` (at once again after a full batch) until `stop` is set."""
    async def round_() -> int:
        done = await reconcile_round(transactions, c, policy)
        if done:
            log.info("payment.reconciled", orders=done)
        return done

    await run_rounds("payment.reconcile", round_, stop, interval=policy.interval.total_seconds(), full=policy.batch)
