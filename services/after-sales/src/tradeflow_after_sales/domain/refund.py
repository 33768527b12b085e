"""What a case refunds (DOMAIN §5 Refund amount, issue 12) — never more than paid, per line and
per order, across any number of cases.

The rule, per claimed line (`line_refund`), in the rounding of `tradeflow_money.units_part` (the platform's one rule):
* **goods**: the claimed units' share of what the line paid for its goods (its allocated paid
  amount without its shipping share). Coupons, promotions and member discounts are not given
  back: the paid amount is after them, so none of them is in a share.
* **shipping**: the line's allocated shipping share is inside its paid amount. The units' share of
  it is given back only while the order is `awaiting_shipment` (no parcel of it has left a
  warehouse); once any has (partially_shipped, shipped, completed) it is forfeited — still taken
  by position, so that units refunded later get no more than their own share. Staff may give it
  back as an override or a shipping subsidy (goodwill).
* **points**: the units' share of the points spent on the line, given back as points.
* **positions**: units the order's cancellation stopped come first (their goods and shipping are
  what the order refunded; their points are left to after-sales, so the case that takes the
  line's last units gives them back); then the units of the other cases with money, whatever
  their order. An exchange holds units but no money: it takes no position until turned into a
  refund. The case taking the last units takes what is left of each part, so a line returned
  whole — in any number of cases — gives back exactly its paid amount (before shipment), or its
  paid goods (after), and all its points.
* **cap**: the amount refunded for a line is the rule's, capped by the line's *room* — what it paid
  less what the order refunded for stopped units and what other cases take of it (after staff's
  overrides, which may differ from the rule).

**Override** (`override`): staff set the case's amount within the room of its lines, with a
recorded reason; it is apportioned over the lines in proportion to their rule amounts (to their
rooms if those are all zero), each capped by its room. Points follow the rule, not the override.
"""

from collections.abc import Sequence
from dataclasses import replace

from tradeflow_after_sales.domain.errors import InvalidCase, OverrideExceedsRefundable
from tradeflow_after_sales.domain.model import CaseLine, ClaimedLine, LineRefund
from tradeflow_after_sales.domain.order_snapshot import OrderLine, OrderSnapshot, OrderStatus
from tradeflow_money import apportion, units_part


def shipping_goes_back(order: OrderSnapshot) -> bool:
    return order.status is OrderStatus.AWAITING_SHIPMENT


def quote(order: OrderSnapshot, lines: Sequence[ClaimedLine], case_id: str) -> dict[str, LineRefund]:
    """The refund of each claimed line by the rule, for case `case_id` (its own claims do not count)."""
    back = shipping_goes_back(order)
    return {c.line_id: line_refund(order, order.line(c.line_id), c.quantity, case_id, back) for c in lines}


def line_refund(order: OrderSnapshot, line: OrderLine, quantity: int, case_id: str,
                shipping_refunded: bool) -> LineRefund:
    money_claims = [c for c in order.claims_on(line.id, besides=case_id) if c.refund is not None]
    before = line.stopped_quantity + sum(c.quantity for c in money_claims)
    stopped_goods, stopped_shipping = _stopped_parts(line)
    taken_goods = stopped_goods + sum(c.refund.goods for c in money_claims)
    taken_shipping = stopped_shipping + sum(c.refund.shipping for c in money_claims)
    taken_points = sum(c.refund.points for c in money_claims)
    goods = units_part(line.goods_paid_amount, line.quantity, before, quantity, taken_goods)
    shipping = units_part(line.shipping_amount, line.quantity, before, quantity, taken_shipping)
    points = units_part(line.points_amount, line.quantity, before, quantity, taken_points)
    rule = goods + (shipping if shipping_refunded else 0)
    return LineRefund(goods, shipping, points, shipping_refunded, min(rule, room(order, line, case_id)))


def room(order: OrderSnapshot, line: OrderLine, case_id: str) -> int:
    """What the line paid and neither the order refunded nor another case takes."""
    taken = sum(c.refund.amount for c in order.claims_on(line.id, besides=case_id) if c.refund is not None)
    return max(line.paid_amount - line.stopped_amount - taken, 0)


def override(order: OrderSnapshot, case_id: str, lines: Sequence[CaseLine], amount: int) -> tuple[CaseLine, ...]:
    """The case's lines with staff's `amount` apportioned over them (see the module docstring)."""
    if amount < 0:
        raise InvalidCase("a refund cannot be negative", "refund_amount")
    refunds = [_refund_of(line) for line in lines]
    rooms = [room(order, order.line(line.line_id), case_id) for line in lines]
    if amount > sum(rooms):
        raise OverrideExceedsRefundable(amount, sum(rooms))
    rules = [refund.rule_amount for refund in refunds]
    shares = apportion(amount, rules if sum(rules) else rooms, rooms)
    return tuple(replace(line, refund=replace(refund, amount=share))
                 for line, refund, share in zip(lines, refunds, shares, strict=True))


def without_shipping(refund: LineRefund, overridden: bool) -> LineRefund:
    """The refund once the goods shipped after all: the shipping share is forfeited (an amount
    staff set stays as they set it)."""
    kept = replace(refund, shipping_refunded=False)
    return kept if overridden else replace(kept, amount=min(refund.amount, kept.rule_amount))


def _stopped_parts(line: OrderLine) -> tuple[int, int]:
    """The goods and shipping parts of what the order refunded for the units it stopped."""
    if not line.stopped_quantity:
        return 0, 0
    goods = units_part(line.goods_paid_amount, line.quantity, 0, line.stopped_quantity, 0)
    return goods, min(max(line.stopped_amount - goods, 0), line.shipping_amount)


def _refund_of(line: CaseLine) -> LineRefund:
    if line.refund is None:
        raise InvalidCase(f"line {line.line_id} is exchanged, not refunded: turn the case into a refund first")
    return line.refund
