"""The external order ledger: each channel order once, and where it stands.

    received ─┬─ review (why: unmapped-sku, unknown-sku, over-credit, over-member-limit,
              │          credit-not-valid) ── retry ─→ accepted | review;  reject → rejected
              └─ accepted (published to the order service; credit charged)
                   ├─ placed (the platform's order; its lines known) ── cancelled
                   └─ refused (the order service could not place it; credit given back)

A channel's cancellation of an order in review rejects it; of an accepted one, waits until it is
placed; of a placed one, asks the order to cancel it. Its address change of an order in review
changes the order's receiver (`domain.address_change`).
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum

from tradeflow_channel_adapter.domain.accounts import normalise_phone
from tradeflow_channel_adapter.domain.errors import BadNews, ChannelAdapterError
from tradeflow_channel_adapter.domain.external import Address, ExternalLine, ExternalOrder, ExternalRefund


class OrderStatus(StrEnum):
    REVIEW = "review"
    ACCEPTED = "accepted"
    PLACED = "placed"
    REFUSED = "refused"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class NotInReview(ChannelAdapterError):
    def __init__(self, order_id: str, status: str) -> None:
        super().__init__(f"channel order {order_id} is {status}, not in review")
        self.order_id, self.status = order_id, status


@dataclass(frozen=True)
class MappedLine:
    line: ExternalLine
    sku: str


@dataclass(frozen=True)
class Mapping:
    """An order's lines mapped to local SKUs, or the channel SKUs that are not mapped."""

    lines: list[MappedLine] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def map_lines(order: ExternalOrder, sku_map: dict[str, str]) -> Mapping:
    """Every line's channel SKU through the channel's map (an ERP code when the line has one and
    the SKU is not mapped); never guessed."""
    mapped, unmapped = [], []
    for line in order.lines:
        sku = sku_map.get(line.channel_sku) or (sku_map.get(line.erp_code) if line.erp_code else None)
        if sku is None:
            unmapped.append(line.channel_sku)
        else:
            mapped.append(MappedLine(line, sku))
    return Mapping(mapped, sorted(set(unmapped))) if unmapped else Mapping(mapped)


def check_order(order: ExternalOrder, currency: str) -> str | None:
    """What every channel order must be, whatever its kind: lines, positive quantities, a paid
    amount no more than the line's price, distinct line ids, the channel's currency, a phone that
    is one. Returns the phone normalised (None: none given). A refusal names the channel's own
    field (`order.names`)."""
    names = order.names
    if not order.lines:
        raise BadNews(names.lines, "an order needs at least one line")
    seen: set[str] = set()
    for i, line in enumerate(order.lines):
        if line.external_line_id in seen:
            raise BadNews(names.of_line(names.line_id, i), f"line {line.external_line_id!r} appears twice")
        seen.add(line.external_line_id)
        if line.quantity <= 0:
            raise BadNews(names.of_line(names.quantity, i), "must be positive")
        if line.paid_amount > line.unit_price_amount * line.quantity:
            raise BadNews(names.of_line(names.paid_amount, i), f"{line.paid_amount} is more than the line's "
                          f"price {line.unit_price_amount} × {line.quantity}")
    if order.currency != currency:
        raise BadNews(names.currency, f"the channel sells in {currency}, not {order.currency}")
    return normalise_phone(order.phone, names.phone)


def check_refund(refund: ExternalRefund) -> None:
    """A refund names at least one line, positive quantities and no negative amount; a refusal
    names the channel's own field (`refund.names`)."""
    names = refund.names
    if not refund.lines:
        raise BadNews(names.lines, "a refund names at least one line")
    for i, line in enumerate(refund.lines):
        if line.quantity <= 0:
            raise BadNews(names.of_line(names.quantity, i), "must be positive")
    if refund.amount < 0:
        raise BadNews(names.amount, "cannot be negative")


@dataclass
class ChannelOrder:
    """One channel order in the ledger (its standard form in `news`)."""

    id: str
    channel: str
    source: str  # push | pull | import
    news: ExternalOrder
    status: OrderStatus
    account_id: str | None = None
    review_reason: str | None = None
    review_detail: str | None = None
    credit_amount: int = 0
    order_id: str | None = None
    line_ids: dict[str, str] = field(default_factory=dict)
    """external line id → the platform order's line id (once placed)."""
    unit_credit: dict[str, int] = field(default_factory=dict)
    """external line id → the price-list unit price charged to the channel's credit for it."""
    order_status: str | None = None
    """The platform order's status as its newest facts (`facts_version`) told it."""
    facts_version: int | None = None

    @property
    def paid(self) -> bool:
        """Placed and paid (a channel order is paid zero at once): its goods can be taken back."""
        return self.status is OrderStatus.PLACED and self.order_status not in (None, "pending_payment")

    def follow(self, version: int, order_status: str) -> bool:
        """Newer facts of the platform order; False (and nothing kept) for older ones."""
        if self.facts_version is not None and version <= self.facts_version:
            return False
        self.facts_version, self.order_status = version, order_status
        return True

    @property
    def external_order_id(self) -> str:
        return self.news.external_order_id

    @property
    def member_id(self) -> str:
        return self.news.member_id

    def to_review(self, reason: str, detail: str) -> None:
        self.status, self.review_reason, self.review_detail = OrderStatus.REVIEW, reason, detail

    def accept(self, account_id: str, unit_credit: dict[str, int]) -> int:
        """Accepted for placing, charged its price-list amount (returned)."""
        self.status, self.account_id, self.unit_credit = OrderStatus.ACCEPTED, account_id, unit_credit
        self.credit_amount = sum(unit_credit[ln.external_line_id] * ln.quantity for ln in self.news.lines)
        self.review_reason = self.review_detail = None
        return self.credit_amount

    def refunded(self, units: dict[str, int]) -> int:
        """Units the channel refunded (external line id → quantity) give their credit back (returned)."""
        given_back = min(self.credit_amount, sum(self.unit_credit.get(ln, 0) * q for ln, q in units.items()))
        self.credit_amount -= given_back
        return given_back

    def placed(self, order_id: str, line_ids: dict[str, str]) -> None:
        """The platform's order; its facts may have been followed already (they travel apart)."""
        self.status, self.order_id, self.line_ids = OrderStatus.PLACED, order_id, line_ids

    def refused(self, reason: str) -> int:
        """The order service could not place it: the credit it held is given back (returned)."""
        given_back, self.credit_amount = self.credit_amount, 0
        self.status, self.review_reason, self.review_detail = OrderStatus.REFUSED, "refused-by-order", reason
        return given_back

    def change_receiver(self, receiver: Address) -> None:
        """The channel changed the address of an order in review (never placed): a retry places it
        with the new receiver."""
        if self.status is not OrderStatus.REVIEW:
            raise NotInReview(self.id, self.status)
        self.news = replace(self.news, receiver=receiver)

    def reject(self, reason: str) -> None:
        if self.status is not OrderStatus.REVIEW:
            raise NotInReview(self.id, self.status)
        self.status, self.review_detail = OrderStatus.REJECTED, reason

    def cancelled(self) -> int:
        """The platform's order was cancelled: the credit it held is given back (returned)."""
        given_back, self.credit_amount = self.credit_amount, 0
        self.status = OrderStatus.CANCELLED
        return given_back
