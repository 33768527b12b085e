"""Payables in PostgreSQL: one row per order, its payment attempts and refunds beside it."""

from datetime import datetime

from sqlalchemy import Row, and_, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_payment.adapters.payable_notices import tell_payable
from tradeflow_payment.adapters.tables import payables, payments, refunds
from tradeflow_payment.app.ports import ReconcileCriteria
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Payment, PaymentStatus, ProviderState
from tradeflow_payment.domain.refunds import Refund, RefundStatus

_PAYMENT_CHANGES = ("status", "psp_reference", "pay_url", "failure_reason", "settled_at", "provider_state",
                    "provider_checked_at")
_REFUND_CHANGES = ("status", "psp_reference", "failure_reason", "attempts", "next_attempt_at", "last_error",
                   "settled_at")


def _payment(row: Row) -> Payment:
    return Payment(row.id, row.order_id, row.amount, row.currency, row.created_at, PaymentStatus(row.status),
                   row.psp_reference, row.pay_url, row.settled_at, row.failure_reason,
                   ProviderState(row.provider_state) if row.provider_state else None, row.provider_checked_at)


def _refund(row: Row) -> Refund:
    return Refund(row.id, row.order_id, row.amount, row.reason, RefundStatus(row.status), row.created_at,
                  row.payment_id, row.psp_reference, row.failure_reason, row.attempts, row.next_attempt_at,
                  row.last_error, row.settled_at, row.requested_by)


def _payment_row(p: Payment) -> dict:
    return {"id": p.id, "order_id": p.order_id, "amount": p.amount, "currency": p.currency,
            "status": p.status.value, "psp_reference": p.psp_reference, "pay_url": p.pay_url,
            "failure_reason": p.failure_reason, "created_at": p.created_at, "settled_at": p.settled_at,
            "provider_state": p.provider_state.value if p.provider_state else None,
            "provider_checked_at": p.provider_checked_at}


def _refund_row(r: Refund) -> dict:
    return {"id": r.id, "order_id": r.order_id, "payment_id": r.payment_id, "amount": r.amount,
            "status": r.status.value, "reason": r.reason, "psp_reference": r.psp_reference,
            "failure_reason": r.failure_reason, "created_at": r.created_at, "attempts": r.attempts,
            "next_attempt_at": r.next_attempt_at, "last_error": r.last_error, "settled_at": r.settled_at,
            "requested_by": r.requested_by}


class SqlaPayableRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str, *, lock: bool = False) -> Payable | None:
        query = select(payables).where(payables.c.order_id == order_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            return None
        attempts = await self.session.execute(
            select(payments).where(payments.c.order_id == order_id).order_by(payments.c.created_at, payments.c.id))
        given_back = await self.session.execute(
            select(refunds).where(refunds.c.order_id == order_id).order_by(refunds.c.created_at, refunds.c.id))
        return Payable(row.order_id, row.buyer_id, row.amount, row.currency, row.deadline, row.created_at,
                       row.closed_at, row.close_reason, payments=[_payment(r) for r in attempts],
                       refunds=[_refund(r) for r in given_back])

    async def order_of_payment(self, payment_id: str) -> str | None:
        return await self.session.scalar(select(payments.c.order_id).where(payments.c.id == payment_id))

    async def order_of_psp_reference(self, psp_reference: str) -> str | None:
        return await self.session.scalar(select(payments.c.order_id).where(payments.c.psp_reference == psp_reference))

    async def claim_for_reconciliation(self, criteria: ReconcileCriteria) -> str | None:
        p = payments.c
        due = and_(p.psp_reference.is_not(None),
                   or_(p.provider_checked_at.is_(None), p.provider_checked_at <= criteria.checked_before),
                   or_(and_(p.status == PaymentStatus.PENDING.value, p.created_at <= criteria.pending_before),
                       and_(p.status == PaymentStatus.EXPIRED.value, p.created_at >= criteria.expired_since,
                            or_(p.provider_state.is_(None), p.provider_state == ProviderState.PENDING.value))))
        query = (select(payables.c.order_id).join(payments, p.order_id == payables.c.order_id).where(due)
                 .order_by(p.created_at).limit(1).with_for_update(of=payables, skip_locked=True))
        return await self.session.scalar(query)

    async def claim_for_refund_retry(self, now: datetime) -> str | None:
        r = refunds.c
        query = (select(payables.c.order_id).join(refunds, r.order_id == payables.c.order_id)
                 .where(r.status == RefundStatus.PENDING.value, r.next_attempt_at <= now)
                 .order_by(r.next_attempt_at).limit(1).with_for_update(of=payables, skip_locked=True))
        return await self.session.scalar(query)

    async def late_capture_orders(self, limit: int) -> list[str]:
        query = (select(payables.c.order_id, payables.c.closed_at).distinct()
                 .join(payments, payments.c.order_id == payables.c.order_id)
                 .where(payables.c.closed_at.is_not(None), payments.c.status == PaymentStatus.SUCCEEDED.value)
                 .order_by(payables.c.closed_at.desc(), payables.c.order_id).limit(limit))
        return [row.order_id for row in await self.session.execute(query)]

    async def add(self, payable: Payable) -> None:
        await self.session.execute(insert(payables).values(
            order_id=payable.order_id, buyer_id=payable.buyer_id, amount=payable.amount, currency=payable.currency,
            deadline=payable.deadline, created_at=payable.created_at, closed_at=payable.closed_at,
            close_reason=payable.close_reason))
        await self._save_children(payable)
        await tell_payable(self.session, payable.order_id)

    async def save(self, payable: Payable) -> None:
        await self.session.execute(payables.update().where(payables.c.order_id == payable.order_id)
                                   .values(closed_at=payable.closed_at, close_reason=payable.close_reason))
        await self._save_children(payable)

    async def _save_children(self, payable: Payable) -> None:
        if payable.payments:
            statement = upsert(payments)
            await self.session.execute(statement.on_conflict_do_update(
                index_elements=[payments.c.id], set_={c: statement.excluded[c] for c in _PAYMENT_CHANGES}),
                [_payment_row(p) for p in payable.payments])
        if payable.refunds:
            statement = upsert(refunds)
            await self.session.execute(statement.on_conflict_do_update(
                index_elements=[refunds.c.id], set_={c: statement.excluded[c] for c in _REFUND_CHANGES}),
                [_refund_row(r) for r in payable.refunds])
