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
class UnitsToRelease:
    line_id: str
    warehouse: str
    quantity: int


@dataclass(frozen=True)
class StockReleaseRequested:
    """Release what the sub-order holds and has not shipped — or, with `units`, only those."""

    sub_order_id: str
    reason: str
    units: tuple[UnitsToRelease, ...] = ()


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
class FulfillmentStopRequested:
    """The paid order is to be cancelled: fulfillment stops what it still can and answers."""

    reason: str
    requested_by: str
    requested_at: datetime


@dataclass(frozen=True)
class BenefitsReleased:
    """The order gives back the coupons and points it holds (cancelled, or fully refunded)."""

    at: datetime


OrderEvent = (OrderWasPlaced | StockReservationRequested | StockReleaseRequested | PaymentRequested
              | PaymentCloseRequested | RefundRequested | OrderWasPaid | OrderWasCancelled
              | FulfillmentStopRequested | BenefitsReleased)
