"""What happened to an order's payment, recorded by the Payable aggregate (past tense, frozen)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PaymentSucceeded:
    order_id: str
    payment_id: str
    amount: int
    currency: str
    psp_reference: str | None
    paid_at: datetime


@dataclass(frozen=True)
class PaymentFailed:
    order_id: str
    payment_id: str
    reason: str


@dataclass(frozen=True)
class PaymentClosed:
    order_id: str
    reason: str


@dataclass(frozen=True)
class PaymentRefunded:
    order_id: str
    refund_id: str
    amount: int
    refunded_total: int
    paid_amount: int


@dataclass(frozen=True)
class RefundFailed:
    order_id: str
    refund_id: str
    reason: str


DomainEvent = PaymentSucceeded | PaymentFailed | PaymentClosed | PaymentRefunded | RefundFailed
