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
    lines: tuple[tuple[str, int], ...] = ()  # an after-sales case's: (line id, units stopped in all)


@dataclass(frozen=True)
class BenefitsReleased:
    """The order gives back the coupons and points it holds (cancelled, or fully refunded)."""

    at: datetime


@dataclass(frozen=True)
class CaseCancelAnswered:
    """An after-sales case's CancelLines was decided (LinesCancelled from what the order recorded)."""

    case_id: str


@dataclass(frozen=True)
class CaseCancelRefused:
    case_id: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class CaseRefundAnswered:
    """A case's refund was made or failed (LinesRefunded / LinesRefundFailed from its state)."""

    refund_id: str
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class CaseRefundRefused:
    case_id: str
    refund_id: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class PointsGivenBack:
    """The points of a case's refund go back to the buyer's balance (once per refund id)."""

    refund_id: str
    amount: int
    at: datetime


@dataclass(frozen=True)
class ChannelCancelRefused:
    """The channel's cancellation could not be done (ChannelOrderNotCancelled, with the order's
    status after the change): why. A command that named another channel's order is answered with
    the ids it named."""

    reason: str
    at: datetime
    channel: str | None = None
    external_order_id: str | None = None


OrderEvent = (OrderWasPlaced | StockReservationRequested | StockReleaseRequested | PaymentRequested
              | PaymentCloseRequested | RefundRequested | OrderWasPaid | OrderWasCancelled
              | FulfillmentStopRequested | BenefitsReleased | CaseCancelAnswered | CaseCancelRefused
              | CaseRefundAnswered | CaseRefundRefused | PointsGivenBack | ChannelCancelRefused)
