"""The order aggregate: order → sub-orders (one per merchant) → lines, with amounts at every level.

Amounts are computed once, at placement, by `pricing.price_lines`; sub-order and order amounts
are sums of their lines, so all levels reconcile to the cent by construction.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tradeflow_order.domain.states import OrderStatus, Reservation

DISCOUNT_KINDS = ("coupon", "promotion", "points", "member")


class OrderType(StrEnum):
    NORMAL = "normal"
    PRE_SALE = "pre_sale"  # physical lines reserve against incoming stock and wait for it
    VIRTUAL = "virtual"  # virtual goods only
    CHANNEL = "channel"  # placed for an outside channel (DOMAIN §6)


class DeliveryMethod(StrEnum):
    EXPRESS = "express"
    SELF_PICKUP = "self_pickup"  # no shipping fee
    MERCHANT_DELIVERY = "merchant_delivery"


class PricedBy(StrEnum):
    CATALOG = "catalog"  # the server priced it: price book, freight templates, coupons, points
    STAFF = "staff"  # staff on behalf of a buyer, with explicit prices
    CHANNEL = "channel"  # the channel's prices


@dataclass(frozen=True)
class Invoice:
    title: str
    tax_id: str | None = None


@dataclass(frozen=True)
class AppliedCoupon:
    code: str
    amount: int


@dataclass(frozen=True)
class ExternalOrder:
    """A channel order as its channel knows it (DOMAIN §6): its id there (unique per channel) and
    its status word, mapped to the standard vocabulary."""

    order_id: str
    status: str


@dataclass(frozen=True)
class Terms:
    """What the order is besides its lines: its type, delivery, invoice, who priced it, the
    coupons and points it holds (given back when it is cancelled or fully refunded) and, for a
    channel order, the channel's order it is."""

    type: OrderType = OrderType.NORMAL
    delivery_method: DeliveryMethod = DeliveryMethod.EXPRESS
    invoice: Invoice | None = None
    priced_by: PricedBy = PricedBy.CATALOG
    coupons: tuple[AppliedCoupon, ...] = ()
    points_amount: int = 0
    external: ExternalOrder | None = None


@dataclass(frozen=True)
class WarehouseShare:
    """Units of a line reserved in one warehouse; `incoming` while they are a pre-sale's, reserved
    against goods not received yet."""

    code: str
    quantity: int
    incoming: bool = False


@dataclass(frozen=True)
class Receiver:
    name: str
    phone: str
    region: str
    city: str
    address: str


@dataclass(frozen=True)
class StoppedUnits:
    """Units of a line fulfillment stopped when the order was cancelled after payment: they never
    reach the buyer (in `shipment_id`, held in `warehouse`; `returning`: shipped and coming back;
    a virtual line's `entitlement_id` revoked; all None: never put in a shipment)."""

    quantity: int
    shipment_id: str | None = None
    warehouse: str | None = None
    returning: bool = False
    entitlement_id: str | None = None

    @property
    def part(self) -> tuple[str | None, str | None]:
        """What was stopped as one: a parcel, an entitlement, or (both None) units never planned.
        Fulfillment's answers are cumulative by part: only units beyond those recorded are new."""
        return self.shipment_id, self.entitlement_id


@dataclass(frozen=True)
class ChannelSale:
    """A channel order's line as the channel sold it: the line's id there, its unit price there and
    what the buyer paid the channel for it (GMV by channel; the cap of a channel refund). The
    order's own amounts for it are 0: the channel took the money."""

    external_line_id: str
    unit_price_amount: int
    paid_amount: int


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
    warehouses: tuple[WarehouseShare, ...] = ()
    title: str | None = None
    sku_version: int | None = None  # the price book's version that priced it (None: explicit price)
    weight_grams: int = 0  # per unit, from the price book (fulfillment splits parcels by them)
    volume_cm3: int = 0
    oversize: bool = False
    entitlement_id: str | None = None  # a virtual line's, once fulfillment granted it
    stops: tuple[StoppedUnits, ...] = ()  # what cancellations after payment stopped of it
    cancelled_amount: int = 0  # the paid share of the stopped units, refunded by the order
    channel: ChannelSale | None = None  # a channel order's line

    @property
    def cancelled_quantity(self) -> int:
        return min(self.quantity, sum(stop.quantity for stop in self.stops))

    @property
    def remaining_quantity(self) -> int:
        """Units still going to the buyer (not cancelled)."""
        return self.quantity - self.cancelled_quantity

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
