"""The order aggregate: order → sub-orders (one per merchant) → lines, with amounts at every level.

Amounts are computed once, at placement, by `pricing.price_lines`; sub-order and order amounts
are sums of their lines, so all levels reconcile to the cent by construction.
"""

from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_order.domain.states import OrderStatus, Reservation

DISCOUNT_KINDS = ("coupon", "promotion", "points", "member")


@dataclass(frozen=True)
class Receiver:
    name: str
    phone: str
    region: str
    city: str
    address: str


@dataclass
class Line:
    id: str
    sku: str
    merchant_id: str
    quantity: int
    unit_price_amount: int
    kind: str = "physical"
    fragile: bool = False
    shipping_amount: int = 0
    discounts: dict[str, int] = field(default_factory=dict)
    refunded_amount: int = 0
    warehouse: str | None = None

    @property
    def goods_amount(self) -> int:
        return self.quantity * self.unit_price_amount

    @property
    def discount_amount(self) -> int:
        return sum(self.discounts.values())

    @property
    def paid_amount(self) -> int:
        return self.goods_amount + self.shipping_amount - self.discount_amount


@dataclass
class SubOrder:
    id: str
    merchant_id: str
    lines: list[Line]
    status: OrderStatus = OrderStatus.PENDING_PAYMENT
    reservation: Reservation = Reservation.PENDING

    @property
    def goods_amount(self) -> int:
        return sum(line.goods_amount for line in self.lines)

    @property
    def shipping_amount(self) -> int:
        return sum(line.shipping_amount for line in self.lines)

    @property
    def discount_amount(self) -> int:
        return sum(line.discount_amount for line in self.lines)

    @property
    def paid_amount(self) -> int:
        return sum(line.paid_amount for line in self.lines)


@dataclass(frozen=True)
class HistoryEntry:
    """One change of the order: its status before and after, and its payment status after (None
    in entries recorded before that was kept)."""

    at: datetime
    from_status: str | None
    to_status: str
    event: str
    actor: str
    reason: str | None = None
    payment_status: str | None = None


@dataclass(frozen=True)
class Hold:
    reason: str
    since: datetime
