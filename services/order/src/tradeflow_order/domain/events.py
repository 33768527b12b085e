"""Domain events the order aggregate records; the app layer turns them into outbox messages."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OrderWasPlaced:
    pass


@dataclass(frozen=True)
class StockReservationRequested:
    sub_order_id: str


@dataclass(frozen=True)
class StockReleaseRequested:
    sub_order_id: str
    reason: str


@dataclass(frozen=True)
class PaymentRequested:
    amount: int
    deadline: datetime


@dataclass(frozen=True)
class PaymentCloseRequested:
    reason: str


@dataclass(frozen=True)
class RefundRequested:
    refund_id: str
    amount: int
    reason: str


@dataclass(frozen=True)
class OrderWasPaid:
    pass


@dataclass(frozen=True)
class OrderWasCancelled:
    reason: str
    refund_amount: int


@dataclass(frozen=True)
class BenefitsReleased:
    """The order gives back the coupons and points it holds (cancelled, or fully refunded)."""

    at: datetime


OrderEvent = (OrderWasPlaced | StockReservationRequested | StockReleaseRequested | PaymentRequested
              | PaymentCloseRequested | RefundRequested | OrderWasPaid | OrderWasCancelled
              | BenefitsReleased)
