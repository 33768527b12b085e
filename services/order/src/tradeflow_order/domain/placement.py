"""Placing an order: split the cart into one sub-order per merchant and price every line."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import Line, Receiver, SubOrder
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.pricing import Discount, price_lines


@dataclass(frozen=True)
class CartLine:
    sku: str
    merchant_id: str
    quantity: int
    unit_price_amount: int
    kind: str = "physical"
    fragile: bool = False


@dataclass(frozen=True)
class Cart:
    buyer_id: str
    channel: str
    currency: str
    receiver: Receiver
    lines: list[CartLine]
    shipping_amount: int
    discounts: list[Discount]


def place(cart: Cart, new_id: Callable[[str], str], actor: str, now: datetime) -> Order:
    """A new order, pending payment, split per merchant, every level priced to the cent."""
    lines = [_line(new_id("ln"), c, i) for i, c in enumerate(cart.lines)]
    price_lines(lines, cart.shipping_amount, cart.discounts)
    by_merchant: dict[str, list[Line]] = {}
    for line in lines:
        by_merchant.setdefault(line.merchant_id, []).append(line)
    sub_orders = [SubOrder(new_id("so"), merchant, merchant_lines) for merchant, merchant_lines in by_merchant.items()]
    order = Order(id=new_id("ord"), buyer_id=cart.buyer_id, channel=cart.channel, currency=cart.currency,
                  receiver=cart.receiver, created_at=now, sub_orders=sub_orders)
    order.placed(actor, now)
    return order


def _line(line_id: str, c: CartLine, index: int) -> Line:
    if c.quantity <= 0:
        raise InvalidOrder("quantity must be positive", f"lines.{index}.quantity")
    if c.unit_price_amount < 0:
        raise InvalidOrder("unit price cannot be negative", f"lines.{index}.unit_price_amount")
    if c.kind not in ("physical", "virtual"):
        raise InvalidOrder("kind must be physical or virtual", f"lines.{index}.kind")
    return Line(line_id, c.sku, c.merchant_id, c.quantity, c.unit_price_amount, c.kind, c.fragile)
