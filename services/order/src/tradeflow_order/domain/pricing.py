"""Pricing a cart: shipping and discounts apportioned to lines (DOMAIN §1).

Shipping is apportioned over all lines by goods amount. Discounts for given SKUs apply first,
over the lines of those SKUs; order-wide discounts then apply over all lines — each by what the
lines still cost, so no line is ever discounted below zero. `paid = goods + shipping − discount`.
"""

from dataclasses import dataclass

from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import DISCOUNT_KINDS, Line
from tradeflow_order.domain.money import apportion


@dataclass(frozen=True)
class Discount:
    kind: str
    amount: int
    skus: frozenset[str] | None = None


def price_lines(lines: list[Line], shipping_amount: int, discounts: list[Discount]) -> None:
    """Set each line's shipping and discounts; refuses discounts that cannot apply."""
    _check(lines, shipping_amount, discounts)
    for line, share in zip(lines, apportion(shipping_amount, [ln.goods_amount for ln in lines]), strict=True):
        line.shipping_amount = share
    ordered = sorted(enumerate(discounts), key=lambda pair: pair[1].skus is None)  # SKU-specific first
    for index, discount in ordered:
        targets = [ln for ln in lines if discount.skus is None or ln.sku in discount.skus]
        if not targets:
            raise InvalidOrder(f"discount {index} names SKUs that are not in the order", f"discounts.{index}.skus")
        room = [ln.goods_amount - ln.discount_amount for ln in targets]
        if discount.amount > sum(room):
            raise InvalidOrder("a discount cannot exceed what its goods still cost", f"discounts.{index}.amount")
        for line, share in zip(targets, apportion(discount.amount, room, caps=room), strict=True):
            line.discounts[discount.kind] = line.discounts.get(discount.kind, 0) + share


def _check(lines: list[Line], shipping_amount: int, discounts: list[Discount]) -> None:
    if not lines:
        raise InvalidOrder("an order needs at least one line", "lines")
    if shipping_amount < 0:
        raise InvalidOrder("shipping cannot be negative", "shipping_amount")
    for index, discount in enumerate(discounts):
        if discount.kind not in DISCOUNT_KINDS:
            raise InvalidOrder(f"unknown discount kind {discount.kind!r}", f"discounts.{index}.kind")
        if discount.amount < 0:
            raise InvalidOrder("a discount cannot be negative", f"discounts.{index}.amount")
