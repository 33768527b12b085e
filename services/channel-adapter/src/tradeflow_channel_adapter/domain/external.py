"""What a channel tells us, in the standard form every kind of channel is read into (DOMAIN §6).

A kind's adapter module (`adapters/kinds/`) reads the channel's own shape — its field names, its
status words, carriers, address and money formats as the channel's configuration names them
(`Vocabulary`) — into these; nothing past the kind module knows a channel's shape. Money is in
integer minor units of the order's currency; statuses are the standard words of `ExternalStatus`.
What the rules past the kind refuse is named by the kind's `FieldNames` on the news: the channel's
own field, never the standard one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ExternalStatus(StrEnum):
    """A channel order's status in the standard vocabulary (a channel's own words map to these)."""

    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Address:
    name: str
    phone: str
    region: str
    city: str
    address: str


@dataclass(frozen=True)
class ExternalLine:
    external_line_id: str
    channel_sku: str
    quantity: int
    unit_price_amount: int
    paid_amount: int
    erp_code: str | None = None
    """The ERP's code of the goods, when the channel (an ERP) maps through it."""


@dataclass(frozen=True)
class FieldNames:
    """Where the channel's own shape holds the standard fields that the rules past the kind may
    refuse (`domain.ledger.check_order`, `check_refund`), so a refusal names the channel's field —
    shop A's `receiver_mobile`, not `phone`. A line's paths hold `{i}`, the line's index. Set by
    the kind as it reads (with the record's own path in a feed page); not kept in the ledger."""

    phone: str = "phone"
    currency: str = "currency"
    lines: str = "lines"
    line_id: str = "lines.{i}.external_line_id"
    quantity: str = "lines.{i}.quantity"
    paid_amount: str = "lines.{i}.paid_amount"
    amount: str = "amount"

    def of_line(self, path: str, i: int) -> str:
        return path.replace("{i}", str(i))

    def under(self, prefix: str) -> "FieldNames":
        """The same fields inside the object at `prefix` (a feed record's `records.3.order`)."""
        return FieldNames(**{name: f"{prefix}.{path}" for name, path in self.__dict__.items()})


STANDARD_NAMES = FieldNames()


@dataclass(frozen=True)
class ExternalOrder:
    """A channel's order as the channel took it (paid there)."""

    external_order_id: str
    status: ExternalStatus
    member_id: str
    """The buyer's membership on the channel."""
    phone: str | None
    """The buyer's phone as the channel gave it (normalised later); None when it gave none."""
    currency: str
    lines: list[ExternalLine]
    receiver: Address | None = None
    """None for virtual goods only."""
    paid_at: datetime | None = None
    names: FieldNames = field(default=STANDARD_NAMES, compare=False, repr=False)


@dataclass(frozen=True)
class ExternalCancellation:
    external_order_id: str
    reason: str


@dataclass(frozen=True)
class RefundedLine:
    external_line_id: str
    quantity: int


@dataclass(frozen=True)
class ExternalRefund:
    """The channel refunded (some of) an order's lines; the money moved on the channel."""

    external_refund_id: str
    external_order_id: str
    lines: list[RefundedLine]
    amount: int
    reason: str
    names: FieldNames = field(default=STANDARD_NAMES, compare=False, repr=False)


@dataclass(frozen=True)
class ExternalAddressChange:
    external_order_id: str
    receiver: Address


ChannelNews = ExternalOrder | ExternalCancellation | ExternalRefund | ExternalAddressChange
"""Anything a channel pushes, a poll returns or an import row holds."""


@dataclass(frozen=True)
class Page:
    """One page of a pull channel's feed: its news, the cursor to ask from next (None: no more),
    and the records that could not be read (each a BadNews naming the record's field), which the
    poller reports and passes over rather than stall the feed on them."""

    news: list[ChannelNews]
    next_cursor: str | None
    unreadable: list[Exception] = field(default_factory=list)


@dataclass(frozen=True)
class ShipmentNews:
    """What we tell a channel about one shipment of its order (sync back)."""

    shipment_id: str
    status: str
    """Our tracking word: shipped, in_transit, out_for_delivery, signed."""
    carrier: str
    waybill: str | None
    lines: list[tuple[str, int]] = field(default_factory=list)
    """(external line id, quantity)."""


@dataclass(frozen=True)
class SyncUpdate:
    """One sync-back call: the order's standard status and, for goods, the shipment it is about."""

    external_order_id: str
    status: ExternalStatus
    shipment: ShipmentNews | None = None
    at: datetime | None = None
