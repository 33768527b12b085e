"""Allocating shipping and discounts to lines (DOMAIN §1 Allocation, API.md "Orders").

Every charge is apportioned on its own, over the lines it applies to, in proportion to their
goods amounts, floored, the last line taking the remainder (`tradeflow_money.apportion`):
* a shipping fee over the lines it ships (a sub-order's fee over that sub-order's lines);
* each discount over the lines in its scope (SKUs and/or merchant; no scope: every line), in
  the order given. A discount never takes a line's goods below zero (shipping is never
  discounted): when a line's share would, the line takes exactly what its goods still cost and
  the rest of that discount is apportioned again over the other lines in scope.
`paid = goods + shipping − discount` at every level.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from tradeflow_money import apportion
from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import DISCOUNT_KINDS, Line


@dataclass(frozen=True)
class Discount:
    kind: str
    amount: int
    skus: frozenset[str] | None = None
    merchant_id: str | None = None

    def covers(self, line: Line) -> bool:
        return ((self.skus is None or line.sku in self.skus)
                and (self.merchant_id is None or line.merchant_id == self.merchant_id))


@dataclass(frozen=True)
class Charge:
    """A shipping fee and the lines it ships."""

    amount: int
    lines: Sequence[Line]


def allocate_shipping(charges: Sequence[Charge]) -> None:
    for charge in charges:
        if charge.amount < 0:
            raise InvalidOrder("shipping cannot be negative", "shipping_amount")
        if charge.amount and not charge.lines:
            raise InvalidOrder("shipping needs a line to ship", "shipping_amount")
        if not charge.lines:
            continue
        shares = apportion(charge.amount, [ln.goods_amount for ln in charge.lines])
        for line, share in zip(charge.lines, shares, strict=True):
            line.shipping_amount += share


def room(lines: Sequence[Line]) -> int:
    """What the lines' goods still cost after the discounts allocated so far."""
    return sum(ln.goods_amount - ln.discount_amount for ln in lines)


def allocate_discount(lines: Sequence[Line], discount: Discount, field: str) -> None:
    """Apportion one discount over the lines in its scope; refuses one that cannot apply."""
    if discount.kind not in DISCOUNT_KINDS:
        raise InvalidOrder(f"unknown discount kind {discount.kind!r}", f"{field}.kind")
    if discount.amount < 0:
        raise InvalidOrder("a discount cannot be negative", f"{field}.amount")
    targets = [ln for ln in lines if discount.covers(ln)]
    if not targets:
        raise InvalidOrder("the discount applies to no line of the order", f"{field}.skus")
    left = [ln.goods_amount - ln.discount_amount for ln in targets]
    if discount.amount > sum(left):
        raise InvalidOrder("a discount cannot exceed what its goods still cost", f"{field}.amount")
    shares = apportion(discount.amount, [ln.goods_amount for ln in targets], caps=left)
    for line, share in zip(targets, shares, strict=True):
        if share:
            line.discounts[discount.kind] = line.discounts.get(discount.kind, 0) + share


def price_lines(lines: list[Line], shipping_amount: int, discounts: list[Discount]) -> None:
    """Explicit prices (staff on behalf, channels): one shipping fee over every line, then each
    discount in the order given."""
    if not lines:
        raise InvalidOrder("an order needs at least one line", "lines")
    allocate_shipping([Charge(shipping_amount, lines)])
    for index, discount in enumerate(discounts):
        allocate_discount(lines, discount, f"discounts.{index}")
