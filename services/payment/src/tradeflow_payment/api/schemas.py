"""Request and response bodies of the payments API (money in integer minor units)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StrictInt

from tradeflow_kit.fields import MAX_BIGINT, Amount, CurrencyCode, RequestModel, identifier, text
from tradeflow_payment.app.issue_refund import IssuedRefund
from tradeflow_payment.app.read_late_captures import LateCapture
from tradeflow_payment.app.read_payments import PaymentRecord
from tradeflow_payment.domain.refunds import Refund


class StartPayment(RequestModel):
    order_id: identifier(200)


class RefundIn(RequestModel):
    """Staff refund part or all of a succeeded payment, saying why."""

    amount: Annotated[StrictInt, Field(gt=0, le=MAX_BIGINT, description="integer minor units, > 0")]
    reason: text(500, multiline=True)


class RefundOut(BaseModel):
    """A refund; `pending`: accepted, the PSP has not made it yet (tried again at
    `next_attempt_at`; `attempts` calls so far, `last_error` why the last one did not reach it).
    `requested_by`: the staff member who asked for it (null: the order saga's)."""

    id: str
    payment_id: str | None
    order_id: str
    amount: int
    status: Literal["pending", "succeeded", "failed"]
    reason: str
    psp_reference: str | None
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    requested_by: str | None

    @classmethod
    def fields_of(cls, refund: Refund) -> dict:
        return {"id": refund.id, "payment_id": refund.payment_id, "order_id": refund.order_id,
                "amount": refund.amount, "status": refund.status.value, "reason": refund.reason,
                "psp_reference": refund.psp_reference, "failure_reason": refund.failure_reason,
                "created_at": refund.created_at, "settled_at": refund.settled_at, "attempts": refund.attempts,
                "next_attempt_at": refund.next_attempt_at, "last_error": refund.last_error,
                "requested_by": refund.requested_by}

    @classmethod
    def of(cls, refund: Refund) -> "RefundOut":
        return cls(**cls.fields_of(refund))


class IssuedRefundOut(RefundOut):
    """The answer to POST /payments/{id}/refunds: the refund with its payment's currency."""

    currency: str

    @classmethod
    def of_issued(cls, issued: IssuedRefund) -> "IssuedRefundOut":
        return cls(**cls.fields_of(issued.refund), currency=issued.currency)


class PaymentOut(BaseModel):
    id: str
    order_id: str
    status: Literal["pending", "succeeded", "failed", "expired"]
    amount: int
    currency: str
    psp_reference: str | None
    pay_url: str | None
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None
    refunded_amount: int
    refunds: list[RefundOut]

    @classmethod
    def of(cls, record: PaymentRecord) -> "PaymentOut":
        p = record.payment
        return cls(id=p.id, order_id=p.order_id, status=p.status.value, amount=p.amount, currency=p.currency,
                   psp_reference=p.psp_reference, pay_url=p.pay_url, failure_reason=p.failure_reason,
                   created_at=p.created_at, settled_at=p.settled_at,
                   refunded_amount=sum(r.amount for r in record.refunds if r.succeeded),
                   refunds=[RefundOut.of(r) for r in record.refunds])


class PaymentPage(BaseModel):
    items: list[PaymentOut]
    next_cursor: str | None


class ProviderCallback(BaseModel):
    """The provider's webhook body (its format, not ours): the fields we read are strict (no
    NUL, integer money within BIGINT, ISO 4217), but fields it adds are ignored, not refused —
    refusing them would make it retry a notice we could act on."""

    event_id: identifier(200)
    type: Literal["payment.succeeded", "payment.failed"]
    psp_reference: identifier(200)
    merchant_reference: identifier(200)
    amount: Amount
    currency: CurrencyCode
    occurred_at: AwareDatetime


class CallbackAnswer(BaseModel):
    event_id: str
    result: Literal["recorded", "already_recorded", "duplicate"]


class LateCaptureList(BaseModel):
    """Money the provider took after the order's payment was closed, and its refunds (minor units)."""

    items: list[LateCapture]
    total_amount: int
    total_refunded: int
