"""The marketplace simulator's two shops and the kinds agree: every news a shop words (its shape
modules, without HTTP) is read by the kind into what the shop meant, and every sync-back call a
kind shapes is taken by the shop. Configured with the shops' own vocabularies."""

from datetime import UTC, datetime

import pytest

from tradeflow_channel_adapter.domain.channel import AddressFormat, Kind, MoneyFormat, Vocabulary
from tradeflow_channel_adapter.domain.external import (
    Address,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalLine,
    ExternalOrder,
    ExternalRefund,
    ExternalStatus,
    RefundedLine,
    ShipmentNews,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds import KINDS
from tradeflow_simulators.market.shape_a import STATUSES as A_WORDS
from tradeflow_simulators.market.shape_a import ShapeA
from tradeflow_simulators.market.shape_b import STATUSES as B_WORDS
from tradeflow_simulators.market.shape_b import ShapeB
from tradeflow_simulators.market.shop import Line, Order, Refund

RECEIVER = {"name": "Li Lei", "phone": "13800000000", "region": "Shanghai", "city": "Pudong",
            "address": "1 Century Ave, Tower 2"}
SHOPS = {
    "a": (ShapeA(), KINDS[Kind.MARKETPLACE_PUSH],
          Vocabulary({w: ExternalStatus(s) for w, s in A_WORDS.items()}, {"SF": "SF"}, MoneyFormat.DECIMAL,
                     AddressFormat.JOINED)),
    "b": (ShapeB(), KINDS[Kind.MARKETPLACE_PULL],
          Vocabulary({w: ExternalStatus(s) for w, s in B_WORDS.items()}, {"SF": "SF"}, MoneyFormat.MINOR,
                     AddressFormat.SPLIT)),
}


def read(shop: str, news: dict):
    _, kind, vocabulary = SHOPS[shop]
    if kind.kind is Kind.MARKETPLACE_PUSH:
        [read_news] = kind.read_push(news, vocabulary)
        return read_news
    page = kind.read_page({"records": [{"seq": 0, **news}], "nextCursor": "1", "hasMore": False}, vocabulary)
    assert page.next_cursor == "1"
    return page.news[0]


def an_order(shop: str, receiver: dict | None) -> Order:
    shape = SHOPS[shop][0]
    lines = [Line(shape.line_id("T1", 0), "SKU-1", 2, 1250, 2399), Line(shape.line_id("T1", 1), "SKU-2", 1, 5, 0)]
    return Order("T1", "member-1", "13900000000", "CNY", lines, receiver, shape.paid,
                 datetime(2026, 12, 6, 5, 29, 15, tzinfo=UTC))


@pytest.mark.parametrize("shop", ["a", "b"])
@pytest.mark.parametrize("receiver", [RECEIVER, None])
def test_a_shops_order_is_read_as_it_meant_it(shop, receiver):
    shape = SHOPS[shop][0]
    order = an_order(shop, receiver)
    expected_receiver = None if receiver is None else Address(**receiver)
    if shop == "a" and receiver is not None:  # shape A has one mobile: the buyer's, the receiver's too
        expected_receiver = Address(**receiver | {"phone": "13900000000"})
    assert read(shop, shape.order_news(order)) == ExternalOrder(
        "T1", ExternalStatus.PAID, "member-1", "13900000000", "CNY",
        [ExternalLine(line.line_id, line.channel_sku, line.quantity, line.unit_price_amount, line.paid_amount)
         for line in order.lines], expected_receiver, order.paid_at)


@pytest.mark.parametrize("shop", ["a", "b"])
def test_a_shops_cancellation_address_change_and_refund_are_read_as_it_meant_them(shop):
    shape = SHOPS[shop][0]
    order = an_order(shop, RECEIVER)
    assert read(shop, shape.cancel_news(order, "out of stock")) == ExternalCancellation("T1", "out of stock")
    assert read(shop, shape.address_news(order)) == ExternalAddressChange("T1", Address(**RECEIVER))
    line_id = order.lines[0].line_id
    refund = Refund("RF9", "T1", [(line_id, 1)], 1199, "broken")
    assert read(shop, shape.refund_news(refund)) == ExternalRefund("RF9", "T1", [RefundedLine(line_id, 1)], 1199,
                                                                   "broken")


@pytest.mark.parametrize("shop", ["a", "b"])
@pytest.mark.parametrize("update", [
    SyncUpdate("T1", ExternalStatus.SHIPPED, ShipmentNews("shp-1", "shipped", "SF", "SF1", [("l1", 2)]),
               datetime(2026, 12, 6, tzinfo=UTC)),
    SyncUpdate("T1", ExternalStatus.DELIVERED, ShipmentNews("shp-1", "signed", "SF", "SF1")),
    SyncUpdate("T1", ExternalStatus.COMPLETED), SyncUpdate("T1", ExternalStatus.CANCELLED),
    SyncUpdate("T1", ExternalStatus.REFUNDED)])
def test_every_sync_call_a_kind_shapes_is_taken_by_its_shop(shop, update):
    shape, kind, vocabulary = SHOPS[shop]
    path, body = kind.sync_request(update, vocabulary)
    assert path == f"/api/{shape.sync_path}"
    order_id, word = shape.read_sync(body)
    assert (order_id, shape.statuses[word]) == ("T1", update.status.value)
