"""Placing a channel's order (DOMAIN §6): the channel took the order and the money, so the platform
places a zero-amount order of type `channel`, priced by the channel, that records the channel's
order (its external id and status) and each line's price and paid amount there.

Each line's SKU is the local SKU the channel adapter mapped it to; the order takes from the
price book what a buyer's checkout takes (merchant, kind, title, measures, fragile), but not its
price: every amount of the order is 0. Nothing is guessed — a SKU the catalog does not know or
prices in another currency, a line the channel names twice, physical goods without a receiver or
an unknown delivery method refuse the whole order (`InvalidOrder`, its message starting with a
reason word, naming the field). The buyer's unpaid-units cap and the risk hold are not for it:
the channel took and checked it.
"""

from dataclasses import dataclass
from datetime import datetime

from tradeflow_order.domain.catalog import CatalogSku
from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import (
    ChannelSale,
    DeliveryMethod,
    ExternalOrder,
    Line,
    OrderType,
    PricedBy,
    Receiver,
    Terms,
)
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Buyer, NewId, assemble

NO_RECEIVER = Receiver("", "", "", "", "")
"""Whom an order of virtual goods only goes to when the channel names nobody: the buyer's account."""


@dataclass(frozen=True)
class ChannelOrderLine:
    external_line_id: str
    sku: str
    quantity: int
    channel_unit_price_amount: int
    channel_paid_amount: int


@dataclass(frozen=True)
class ChannelOrder:
    """The channel's order in the standard form (mapped SKUs, the linked account)."""

    channel: str
    external_order_id: str
    external_status: str
    buyer_id: str
    currency: str
    receiver: Receiver | None
    delivery_method: str
    lines: tuple[ChannelOrderLine, ...]


def place_channel_order(request: ChannelOrder, skus: dict[str, CatalogSku], new_id: NewId, actor: str,
                        now: datetime) -> Order:
    """The zero-amount order of the channel's order, pending payment, its placement recorded."""
    if not request.lines:
        raise InvalidOrder("no-lines: a channel order needs at least one line", "lines")
    lines = [_line(new_id("ln"), line, index, skus, request) for index, line in enumerate(request.lines)]
    _check_line_ids(request.lines)
    receiver = _receiver(request, lines)
    terms = Terms(OrderType.CHANNEL, _delivery_method(request.delivery_method), priced_by=PricedBy.CHANNEL,
                  external=ExternalOrder(request.external_order_id, request.external_status))
    return assemble(Buyer(request.buyer_id, request.channel, request.currency, receiver), lines, terms, new_id,
                    actor, now)


def _line(line_id: str, line: ChannelOrderLine, index: int, skus: dict[str, CatalogSku],
          request: ChannelOrder) -> Line:
    where = f"lines.{index}"
    if line.quantity <= 0:
        raise InvalidOrder("invalid-quantity: quantity must be positive", f"{where}.quantity")
    if line.channel_unit_price_amount < 0 or line.channel_paid_amount < 0:
        raise InvalidOrder("invalid-amount: the channel's amounts cannot be negative", f"{where}.channel_paid_amount")
    sku = skus.get(line.sku)
    if sku is None:
        raise InvalidOrder(f"unknown-sku: {line.sku} is not in the catalog", f"{where}.sku")
    if sku.currency != request.currency:
        raise InvalidOrder(f"currency-mismatch: {line.sku} is sold in {sku.currency}, the channel's order is in "
                           f"{request.currency}", f"{where}.sku")
    return Line(line_id, sku.sku, sku.merchant_id, line.quantity, 0, sku.kind, sku.fragile, title=sku.title,
                weight_grams=sku.weight_grams, volume_cm3=sku.volume_cm3, oversize=sku.oversize,
                channel=ChannelSale(line.external_line_id, line.channel_unit_price_amount, line.channel_paid_amount))


def _check_line_ids(lines: tuple[ChannelOrderLine, ...]) -> None:
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line.external_line_id in seen:
            raise InvalidOrder(f"duplicate-line: the channel names line {line.external_line_id} twice",
                               f"lines.{index}.external_line_id")
        seen.add(line.external_line_id)


def _receiver(request: ChannelOrder, lines: list[Line]) -> Receiver:
    if request.receiver is not None:
        return request.receiver
    if any(line.kind == "physical" for line in lines):
        raise InvalidOrder("receiver-required: physical goods need a receiver", "receiver")
    return NO_RECEIVER


def _delivery_method(method: str) -> DeliveryMethod:
    try:
        return DeliveryMethod(method)
    except ValueError:
        raise InvalidOrder(f"invalid-delivery-method: {method!r} is not one of "
                           f"{', '.join(m.value for m in DeliveryMethod)}", "delivery_method") from None
