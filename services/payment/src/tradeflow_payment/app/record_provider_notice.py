"""The provider's (authenticated) callback: apply the payment's outcome once per provider event."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ports import PaymentTransaction
from tradeflow_payment.domain.errors import ProviderNoticeMismatch, UnknownProviderPayment
from tradeflow_payment.domain.payment import Trigger


@dataclass(frozen=True)
class ProviderNotice:
    event_id: str
    outcome: Trigger  # SUCCEED or FAIL
    psp_reference: str
    merchant_reference: str  # our order id
    amount: int
    currency: str
    occurred_at: datetime


class NoticeResult(StrEnum):
    RECORDED = "recorded"
    ALREADY_RECORDED = "already_recorded"  # another event said the same before
    DUPLICATE = "duplicate"  # this very event was handled before


async def record_provider_notice(tx: PaymentTransaction, notice: ProviderNotice) -> NoticeResult:
    if not await tx.callbacks.first_time(notice.event_id, notice.outcome.value, notice.psp_reference):
        return NoticeResult.DUPLICATE
    order_id = await tx.payables.order_of_psp_reference(notice.psp_reference)
    payable = await tx.payables.get(order_id, lock=True) if order_id is not None else None
    if payable is None:
        raise UnknownProviderPayment(f"no payment has the provider reference {notice.psp_reference}")
    if payable.order_id != notice.merchant_reference:
        raise ProviderNoticeMismatch(f"payment {notice.psp_reference} belongs to order {payable.order_id}, "
                                     f"the provider says {notice.merchant_reference}")
    changed = payable.record_provider_outcome(notice.psp_reference, notice.outcome, notice.amount,
                                              notice.currency, notice.occurred_at)
    await save_and_announce(tx, payable)
    return NoticeResult.RECORDED if changed else NoticeResult.ALREADY_RECORDED
