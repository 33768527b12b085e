"""The values an after-sales case is made of: what was asked (`CaseRequest`), the lines it covers
with their money (`LineRefund`) or replacement, and what happened to it (history, the return
parcel, staff's override and goodwill, the step that needs a person). All frozen: the case
replaces them, never edits them.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_after_sales.domain.states import CaseStatus, CaseType


class RequesterKind(StrEnum):
    BUYER = "buyer"
    STAFF = "staff"  # customer service, on the buyer's behalf
    CHANNEL = "channel"  # the channel adapter, for a refund the channel made (DOMAIN §6)


@dataclass(frozen=True)
class Requester:
    kind: RequesterKind
    id: str

    @property
    def actor(self) -> str:
        """How the history names them: `buyer:<id>`, `staff:<id>`; a channel's case names whom
        the adapter said requested it (`OpenChannelCase.requested_by`), as it said it."""
        return self.id if self.kind is RequesterKind.CHANNEL else f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class ClaimedLine:
    """Units of one order line the case is about."""

    line_id: str
    quantity: int


@dataclass(frozen=True)
class Replacement:
    """What an exchange sends instead: the same SKU, or another of the line's unit price."""

    sku: str
    unit_price_amount: int


@dataclass(frozen=True)
class CaseRequest:
    """What the buyer (or staff for them) asks: `POST /after-sales`. `replacements` (exchange
    only) name another SKU per line; a line not named is replaced by its own SKU.
    `channel_refund_amount`: a channel order's refund as the channel made it (no money moves
    here, DOMAIN §6)."""

    type: CaseType
    lines: tuple[ClaimedLine, ...]
    reason: str
    requester: Requester
    description: str = ""
    evidence: tuple[str, ...] = ()
    replacements: tuple[tuple[str, Replacement], ...] = ()
    channel_refund_amount: int | None = None


@dataclass(frozen=True)
class LineRefund:
    """What a case takes of one line's money (`refund.py`). By rule: `goods` and `shipping`, the
    shares of the line's paid goods and paid shipping its units account for, and `points`, their
    share of the points spent on the line (given back as points). `shipping_refunded` says whether
    the shipping share goes back (before shipment) or is forfeited. `amount` is the money refunded
    for the line: the rule's, capped by what the line has left, or staff's override."""

    goods: int
    shipping: int
    points: int
    shipping_refunded: bool
    amount: int

    @property
    def rule_amount(self) -> int:
        return self.goods + (self.shipping if self.shipping_refunded else 0)


@dataclass(frozen=True)
class CaseLine:
    """A line of the case: `refund` for the refund types, `replacement` for an exchange."""

    line_id: str
    sku: str
    quantity: int
    virtual: bool = False
    refund: LineRefund | None = None
    replacement: Replacement | None = None


@dataclass(frozen=True)
class ReturnParcel:
    carrier: str
    waybill: str
    reported_at: datetime


@dataclass(frozen=True)
class Attention:
    """Why a step cannot succeed, the status the case was in and the step to retry there."""

    reason: str
    status: CaseStatus
    step: str
    since: datetime


@dataclass(frozen=True)
class RefundOverride:
    amount: int
    reason: str
    actor: str
    at: datetime


class GoodwillKind(StrEnum):
    SHIPPING_SUBSIDY = "shipping_subsidy"
    COUPON = "coupon"


@dataclass(frozen=True)
class Goodwill:
    """A compensation customer service grants besides the refund: never part of what the order's
    lines get back (the money rule), recorded on its own."""

    kind: GoodwillKind
    amount: int
    reason: str
    actor: str
    at: datetime
    coupon_code: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to the case: who, when, what (the event), why; the status before
    and after (equal for a fact recorded without a move)."""

    at: datetime
    from_status: CaseStatus | None
    to_status: CaseStatus
    event: str
    actor: str
    reason: str | None = None
