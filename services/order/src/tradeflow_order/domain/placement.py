"""Placing an order: one sub-order per merchant, every line priced to the cent.

Lines are priced either by the server from the price book (`quoting.price_checkout`, a buyer's
order) or explicitly (`Cart`: staff on behalf of a buyer); both become an order here, and so does
a channel's order at zero (`channel_placement.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import Line, PricedBy, Receiver, SubOrder, Terms
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.pricing import Discount, price_lines

NewId = Callable[[str], str]
STAFF_PRICED = Terms(priced_by=PricedBy.STAFF)


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
    """An order with explicit prices: the lines' unit prices, one shipping fee, the discounts."""

    buyer_id: str
    channel: str
    currency: str
    receiver: Receiver
    lines: list[CartLine]
    shipping_amount: int
    discounts: list[Discount]
    terms: Terms = STAFF_PRICED


@dataclass(frozen=True)
class Buyer:
    """Whose order it is, where it goes and through which channel."""

    buyer_id: str
    channel: str
    currency: str
    receiver: Receiver


def place(cart: Cart, new_id: NewId, actor: str, now: datetime) -> Order:
    """A new order from explicit prices, pending payment, every level priced to the cent."""
    lines = [_line(new_id("ln"), c, i) for i, c in enumerate(cart.lines)]
    price_lines(lines, cart.shipping_amount, cart.discounts)
    return assemble(Buyer(cart.buyer_id, cart.channel, cart.currency, cart.receiver), lines, cart.terms,
                    new_id, actor, now)


def assemble(buyer: Buyer, lines: list[Line], terms: Terms, new_id: NewId, actor: str, now: datetime) -> Order:
    """The order of priced lines: split per merchant, pending payment, its placement recorded."""
    by_merchant: dict[str, list[Line]] = {}
    for line in lines:
        by_merchant.setdefault(line.merchant_id, []).append(line)
    sub_orders = [SubOrder(new_id("so"), merchant, merchant_lines) for merchant, merchant_lines in by_merchant.items()]
    order = Order(id=new_id("ord"), buyer_id=buyer.buyer_id, channel=buyer.channel, currency=buyer.currency,
                  receiver=buyer.receiver, created_at=now, sub_orders=sub_orders, terms=terms)
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
