"""The order as after-sales needs to see it when a case is opened or its money decided
(`OrderSnapshot`): read from the order service, plus the claims of the order's other cases read
from this service's own store. The names follow DOMAIN §1 (order, line, paid amount).

A line's `paid_amount` is its allocated paid amount (goods + its shipping share − its discounts,
`services/order/.../pricing.py`); `shipping_amount` is the shipping share inside it and
`points_amount` its share of the points discount (points are not money paid: they are given back
as points). Units the order's own cancellation stopped (`stopped_quantity`) were refunded by the
order (`stopped_amount`, paid × units ÷ quantity floored cumulatively) and cannot be claimed.

A channel order's line also carries what the buyer paid the channel for it
(`channel_paid_amount`, None when the facts do not tell): the cap of the channel's refunds.

`claims` are what the order's other cases hold — every case open, and every closed one whose
refund was made (`AfterSalesCase.claims()`); a rejected, cancelled or expired case, or a completed
exchange, holds nothing. The snapshot must be read in the transaction that saves the case, with
the order's cases locked, so two cases never count on the same units.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_after_sales.domain.errors import LineNotInOrder
from tradeflow_after_sales.domain.model import LineRefund


class OrderStatus(StrEnum):
    """The order's customer-facing status, as the order service reports it."""

    PENDING_PAYMENT = "pending_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class OrderType(StrEnum):
    NORMAL = "normal"
    PRE_SALE = "pre_sale"
    VIRTUAL = "virtual"
    CHANNEL = "channel"


@dataclass(frozen=True)
class OrderLine:
    id: str
    sku: str
    quantity: int
    unit_price_amount: int
    paid_amount: int
    shipping_amount: int = 0
    points_amount: int = 0
    virtual: bool = False
    stopped_quantity: int = 0
    stopped_amount: int = 0
    channel_paid_amount: int | None = None  # a channel order's line: what the buyer paid the channel

    def __post_init__(self) -> None:
        if self.quantity <= 0 or not 0 <= self.stopped_quantity <= self.quantity:
            raise ValueError(f"line {self.id}: quantity {self.quantity}, stopped {self.stopped_quantity}")
        if not 0 <= self.shipping_amount <= self.paid_amount or self.points_amount < 0:
            raise ValueError(f"line {self.id}: paid {self.paid_amount}, shipping {self.shipping_amount}, "
                             f"points {self.points_amount}")
        if not 0 <= self.stopped_amount <= self.paid_amount:
            raise ValueError(f"line {self.id}: {self.stopped_amount} refunded of {self.paid_amount} paid")

    @property
    def goods_paid_amount(self) -> int:
        """What the buyer paid for the goods themselves: paid without the shipping share."""
        return self.paid_amount - self.shipping_amount


@dataclass(frozen=True)
class Claim:
    """Units of a line another case holds, and what it takes of the line's money (`refund`;
    None for an exchange, which takes none)."""

    case_id: str
    line_id: str
    quantity: int
    refund: LineRefund | None = None


@dataclass(frozen=True)
class OrderSnapshot:
    id: str
    buyer_id: str
    status: OrderStatus
    type: OrderType
    currency: str
    lines: tuple[OrderLine, ...]
    claims: tuple[Claim, ...] = ()
    signed_at: datetime | None = None  # when the last parcel was signed for
    completed_at: datetime | None = None  # when the order completed (virtual goods: nothing signed)

    def __post_init__(self) -> None:
        if self.status is OrderStatus.COMPLETED and self.signed_at is None and self.completed_at is None:
            raise ValueError(f"order {self.id} is completed: its signed_at or completed_at is needed")

    def line(self, line_id: str) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise LineNotInOrder(f"order {self.id} has no line {line_id}", line_id)

    def claims_on(self, line_id: str, *, besides: str | None = None) -> tuple[Claim, ...]:
        """The other cases' claims on the line (`besides`: the case asking, whose own do not count)."""
        return tuple(c for c in self.claims if c.line_id == line_id and c.case_id != besides)

    @property
    def paid_amount(self) -> int:
        return sum(line.paid_amount for line in self.lines)
