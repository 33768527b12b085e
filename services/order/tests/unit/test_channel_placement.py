"""Placing a channel's order (domain/channel_placement.py): a zero-amount order of type `channel`
that takes from the catalog what a checkout takes but its price, records the channel's order and
each line's price and paid amount there, and refuses — naming the field — what it cannot place."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tradeflow_order.domain.catalog import CatalogSku, SkuKind
from tradeflow_order.domain.channel_placement import NO_RECEIVER, ChannelOrder, ChannelOrderLine, place_channel_order
from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.events import OrderWasPlaced, StockReservationRequested
from tradeflow_order.domain.model import ExternalOrder, OrderType, PricedBy, Receiver

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
RECEIVER = Receiver("Li Lei", "13800000000", "east", "Shanghai", "1 Nanjing Rd")
TEA = CatalogSku("TEA-1", "m-tea", "Longjing tea", 3000, "CNY", weight_grams=500, volume_cm3=800, fragile=True,
                 version=3)
COURSE = CatalogSku("COURSE-1", "m-edu", "Tea course", 9900, "CNY", SkuKind.VIRTUAL)
SKUS = {s.sku: s for s in (TEA, COURSE)}


def request(*lines: ChannelOrderLine, receiver: Receiver | None = RECEIVER, **fields) -> ChannelOrder:
    lines = lines or (ChannelOrderLine("x-1", "TEA-1", 2, 3300, 6000), ChannelOrderLine("x-2", "COURSE-1", 1, 9900,
                                                                                        9500))
    return replace(ChannelOrder("tmall", "T-1001", "paid", "buyer-7", "CNY", receiver, "express", tuple(lines)),
                   **fields)


def place(order_request: ChannelOrder):
    ids = itertools.count(1)
    return place_channel_order(order_request, SKUS, lambda prefix: f"{prefix}-{next(ids)}", "channel:tmall", NOW)


def test_a_channel_order_costs_nothing_here_and_records_what_the_channel_sold():
    order = place(request())
    assert (order.terms.type, order.terms.priced_by, order.terms.external) == (
        OrderType.CHANNEL, PricedBy.CHANNEL, ExternalOrder("T-1001", "paid"))
    assert (order.channel, order.buyer_id, order.currency, order.receiver) == ("tmall", "buyer-7", "CNY", RECEIVER)
    assert (order.goods_amount, order.shipping_amount, order.discount_amount, order.paid_amount) == (0, 0, 0, 0)
    tea, course = order.lines
    assert (tea.sku, tea.merchant_id, tea.kind, tea.title, tea.weight_grams, tea.volume_cm3, tea.fragile) == (
        "TEA-1", "m-tea", "physical", "Longjing tea", 500, 800, True)
    assert (tea.unit_price_amount, tea.paid_amount, tea.sku_version) == (0, 0, None)  # the catalog did not price it
    assert [(ln.channel.external_line_id, ln.channel.unit_price_amount, ln.channel.paid_amount)
            for ln in order.lines] == [("x-1", 3300, 6000), ("x-2", 9900, 9500)]
    assert course.kind == "virtual" and [s.merchant_id for s in order.sub_orders] == ["m-tea", "m-edu"]
    assert order.history[-1].event == "placed" and order.history[-1].actor == "channel:tmall"
    assert [type(e) for e in order.pull_events()] == [OrderWasPlaced, StockReservationRequested]


def test_virtual_goods_only_need_no_receiver():
    order = place(request(ChannelOrderLine("x-2", "COURSE-1", 1, 9900, 9900), receiver=None))
    assert order.receiver == NO_RECEIVER and order.all_reserved


@pytest.mark.parametrize(("change", "reason", "field"), [
    ({"lines": (ChannelOrderLine("x-1", "TEA-1", 1, 1, 1), ChannelOrderLine("x-2", "NOPE", 1, 1, 1))},
     "unknown-sku", "lines.1.sku"),
    ({"currency": "USD"}, "currency-mismatch", "lines.0.sku"),
    ({"receiver": None}, "receiver-required", "receiver"),
    ({"delivery_method": "drone"}, "invalid-delivery-method", "delivery_method"),
    ({"lines": (ChannelOrderLine("x-1", "TEA-1", 1, 1, 1), ChannelOrderLine("x-1", "COURSE-1", 1, 1, 1))},
     "duplicate-line", "lines.1.external_line_id"),
    ({"lines": ()}, "no-lines", "lines"),
])
def test_what_cannot_be_placed_is_refused_naming_the_reason_and_the_field(change, reason, field):
    with pytest.raises(InvalidOrder) as refused:
        place(replace(request(), **change))
    assert str(refused.value).split(":")[0] == reason and refused.value.field == field
