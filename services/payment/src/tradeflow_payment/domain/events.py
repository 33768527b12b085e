"""What happened to an order's payment, recorded by the Payable aggregate (past tense, frozen).

Small facts: which attempt or refund, and only what cannot be read back from the aggregate
afterwards (a refund's running total as it stood when it settled). The announcements other
services receive are built from these and the aggregate (app/announcements.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PaymentSucceeded:
    payment_id: str


@dataclass(frozen=True)
class PaymentFailed:
    payment_id: str


@dataclass(frozen=True)
class PaymentClosed:
    """The payable was closed; why is its `close_reason`."""


@dataclass(frozen=True)
class PaymentRefunded:
    refund_id: str
    refunded_total: int  # succeeded refunds up to and including this one, when it settled


@dataclass(frozen=True)
class RefundFailed:
    refund_id: str


DomainEvent = PaymentSucceeded | PaymentFailed | PaymentClosed | PaymentRefunded | RefundFailed
