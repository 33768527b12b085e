"""Who may open which case on what (DOMAIN §5, issue 12): a pure policy over the order snapshot.
Each refusal is its own error (its slug the problem type), checked in this order:

1. the order must be paid and not over: `pending_payment`, `cancelled`, `closed` → order-not-eligible;
2. the type by the order's status: `awaiting_shipment` (nothing shipped) → `refund_only` only (the
   saga stops the line's shipment); `partially_shipped`, `shipped`, `completed` → all three
   types → type-not-allowed;
3. a `completed` order only within its window, counted from signing (from completion when nothing
   was signed: virtual goods); 7 days unless configured per order type → window-expired;
4. the lines: at least one, each once, each a positive quantity → invalid-case; each a line of the
   order → line-not-in-order; a virtual line refund_only (there is no parcel to return or
   exchange: the refund revokes the entitlement) → virtual-goods-refund-only;
5. no more units than are claimable: the line's quantity less the units the order's cancellation
   stopped and the units other cases hold (open, or refunded) → quantity-exceeds-claimable.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tradeflow_after_sales.domain.errors import (
    InvalidCase,
    OrderNotEligible,
    QuantityExceedsClaimable,
    TypeNotAllowed,
    VirtualGoodsRefundOnly,
    WindowExpired,
)
from tradeflow_after_sales.domain.model import ClaimedLine
from tradeflow_after_sales.domain.order_snapshot import OrderLine, OrderSnapshot, OrderStatus, OrderType
from tradeflow_after_sales.domain.states import CaseType

OS, T = OrderStatus, CaseType

ALLOWED_TYPES: dict[OrderStatus, frozenset[CaseType]] = {
    OS.AWAITING_SHIPMENT: frozenset({T.REFUND_ONLY}),
    OS.PARTIALLY_SHIPPED: frozenset(T),
    OS.SHIPPED: frozenset(T),
    OS.COMPLETED: frozenset(T),
}
"""The case types each order status allows; a status not named allows none."""


@dataclass(frozen=True)
class AfterSalesWindows:
    """How long a completed order stays open to after-sales, counted from signing."""

    default: timedelta = timedelta(days=7)
    by_order_type: Mapping[OrderType, timedelta] = field(default_factory=dict)

    def closes_at(self, order: OrderSnapshot) -> datetime | None:
        """When the completed order's window closes; None while it is not completed."""
        start = order.signed_at or order.completed_at
        if order.status is not OS.COMPLETED or start is None:
            return None
        return start + self.by_order_type.get(order.type, self.default)


def check_eligibility(order: OrderSnapshot, case_type: CaseType, lines: Sequence[ClaimedLine], now: datetime,
                      windows: AfterSalesWindows = AfterSalesWindows(), case_id: str | None = None) -> None:
    """Raise the first refusal (see the module docstring); `case_id`: the case asking, whose own
    claims do not count against it."""
    allowed = ALLOWED_TYPES.get(order.status)
    if allowed is None:
        raise OrderNotEligible(f"order {order.id} is {order.status}: no after-sales case can be opened on it")
    if case_type not in allowed:
        raise TypeNotAllowed(f"order {order.id} is {order.status}: {case_type} is not allowed, only "
                             + ", ".join(sorted(allowed)))
    closes_at = windows.closes_at(order)
    if closes_at is not None and now > closes_at:
        raise WindowExpired(f"order {order.id}: the after-sales window closed at {closes_at.isoformat()}")
    _check_lines(lines)
    for claimed in lines:
        line = order.line(claimed.line_id)
        if line.virtual and case_type is not T.REFUND_ONLY:
            raise VirtualGoodsRefundOnly(f"line {line.id} is virtual goods: refund_only, not {case_type}")
        free = claimable(order, line, case_id)
        if claimed.quantity > free:
            raise QuantityExceedsClaimable(line.id, claimed.quantity, free)


def claimable(order: OrderSnapshot, line: OrderLine, case_id: str | None = None) -> int:
    """Units of the line neither stopped by the order nor held by another case."""
    held = sum(c.quantity for c in order.claims_on(line.id, besides=case_id))
    return max(line.quantity - line.stopped_quantity - held, 0)


def _check_lines(lines: Sequence[ClaimedLine]) -> None:
    if not lines:
        raise InvalidCase("a case needs at least one line", "lines")
    seen: set[str] = set()
    for index, claimed in enumerate(lines):
        if claimed.line_id in seen:
            raise InvalidCase(f"line {claimed.line_id} is named twice", f"lines.{index}.line_id")
        if claimed.quantity <= 0:
            raise InvalidCase(f"line {claimed.line_id}: quantity must be positive", f"lines.{index}.quantity")
        seen.add(claimed.line_id)
