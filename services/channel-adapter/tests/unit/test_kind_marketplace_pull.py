"""Kind `marketplace_pull` (shape B): the feed request from a cursor, a page read into the standard
form with its next cursor, every bad field refused by its path, and our sync-back call."""

from datetime import UTC, datetime

import pytest

from tradeflow_channel_adapter.domain.channel import AddressFormat, Kind, MoneyFormat, Vocabulary
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import (
    Address,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalLine,
    ExternalOrder,
    ExternalRefund,
    ExternalStatus,
    Page,
    RefundedLine,
    ShipmentNews,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds import KINDS

KIND = KINDS[Kind.MARKETPLACE_PULL]
VOCABULARY = Vocabulary(
    statuses={"PAID": ExternalStatus.PAID, "SHIPPED": ExternalStatus.SHIPPED, "DELIVERED": ExternalStatus.DELIVERED,
              "COMPLETED": ExternalStatus.COMPLETED, "CANCELED": ExternalStatus.CANCELLED,
              "REFUNDED": ExternalStatus.REFUNDED},
    carriers={"ZTO": "ZTO_EXPRESS"}, money=MoneyFormat.MINOR, address=AddressFormat.SPLIT)
RECEIVER = {"name": "Han Meimei", "mobile": "13900000000", "province": "Zhejiang", "city": "Hangzhou",
            "detail": "2 West Lake Rd"}
ORDER = {"seq": 0, "type": "ORDER_CREATED", "order": {
    "orderNo": "B77", "status": "PAID", "memberId": "mem-9", "mobile": "13900000001", "currency": "CNY",
    "payTime": 1796535494000, "receiver": RECEIVER,
    "items": [{"itemId": "B77-1", "skuCode": "JD-1", "qty": 3, "unitPrice": 999, "paidAmount": 2800}]}}
PAGE = {"records": [
    ORDER,
    {"seq": 1, "type": "ORDER_CANCELED", "orderNo": "B77", "cancelReason": "buyer changed mind"},
    {"seq": 2, "type": "ADDRESS_MODIFIED", "orderNo": "B77", "receiver": RECEIVER | {"detail": "3 West Lake Rd"}},
    {"seq": 3, "type": "REFUND_COMPLETED", "refund": {"refundNo": "R5", "orderNo": "B77", "refundAmount": 999,
                                                       "reason": "broken", "items": [{"itemId": "B77-1", "qty": 1}]}},
], "nextCursor": "4", "hasMore": False}
HAN = Address("Han Meimei", "13900000000", "Zhejiang", "Hangzhou", "2 West Lake Rd")


def test_the_feed_is_asked_from_the_cursor_or_from_the_start():
    assert KIND.pull_request(None) == ("/api/orders", {"cursor": "0", "limit": "20"})
    assert KIND.pull_request("17") == ("/api/orders", {"cursor": "17", "limit": "20"})


def test_a_page_of_every_news_with_minor_money_and_a_split_address():
    assert KIND.read_page(PAGE, VOCABULARY) == Page([
        ExternalOrder(external_order_id="B77", status=ExternalStatus.PAID, member_id="mem-9", phone="13900000001",
                      currency="CNY", lines=[ExternalLine("B77-1", "JD-1", 3, 999, 2800)], receiver=HAN,
                      paid_at=datetime.fromtimestamp(1796535494, UTC)),
        ExternalCancellation("B77", "buyer changed mind"),
        ExternalAddressChange("B77", Address("Han Meimei", "13900000000", "Zhejiang", "Hangzhou", "3 West Lake Rd")),
        ExternalRefund("R5", "B77", [RefundedLine("B77-1", 1)], 999, "broken"),
    ], "4")


def test_an_empty_page_has_no_next_cursor_and_a_virtual_order_no_receiver(change):
    assert KIND.read_page({"records": [], "nextCursor": "4", "hasMore": False}, VOCABULARY) == Page([], None)
    virtual = change(change(change(ORDER, "order.receiver", None), "order.mobile", None), "order.payTime", ...)
    [order] = KIND.read_page({"records": [virtual], "nextCursor": "1"}, VOCABULARY).news
    assert (order.receiver, order.phone, order.paid_at) == (None, None, None)
    [cancelled] = KIND.read_page({"records": [{"type": "ORDER_CANCELED", "orderNo": "B77"}], "nextCursor": "1"},
                                 VOCABULARY).news
    assert cancelled == ExternalCancellation("B77", "cancelled on the channel")


def test_decimal_money_and_a_joined_address_when_the_channel_is_so_configured(change):
    vocabulary = Vocabulary(statuses=VOCABULARY.statuses, money=MoneyFormat.DECIMAL, address=AddressFormat.JOINED)
    record = change(change(change(ORDER, "order.items.0.unitPrice", "9.99"), "order.items.0.paidAmount", "28"),
                   "order.receiver", {"name": "Han Meimei", "mobile": "13900000000",
                                      "detail": "Zhejiang Hangzhou 2 West Lake Rd"})
    [order] = KIND.read_page({"records": [record], "nextCursor": "1"}, vocabulary).news
    assert order.lines == [ExternalLine("B77-1", "JD-1", 3, 999, 2800)] and order.receiver == HAN


BAD_PAGES = [
    ("records", None, "records"), ("records", {"0": ORDER}, "records"), ("nextCursor", ..., "nextCursor"),
    ("nextCursor", 4, "nextCursor"), ("records.0", "ORDER_CREATED", "records.0"),
    ("records.0.type", "ORDER_PAID", "records.0.type"), ("records.0.order", None, "records.0.order"),
    ("records.0.order.orderNo", ..., "records.0.order.orderNo"),
    ("records.0.order.status", "paid", "records.0.order.status"),
    ("records.0.order.memberId", "", "records.0.order.memberId"),
    ("records.0.order.mobile", 13900000001, "records.0.order.mobile"),
    ("records.0.order.currency", None, "records.0.order.currency"),
    ("records.0.order.payTime", "2026-12-06", "records.0.order.payTime"),
    ("records.0.order.payTime", -5, "records.0.order.payTime"),
    ("records.0.order.items", [], "records.0.order.items"),
    ("records.0.order.items.0", 5, "records.0.order.items.0"),
    ("records.0.order.items.0.itemId", ..., "records.0.order.items.0.itemId"),
    ("records.0.order.items.0.skuCode", "\x00", "records.0.order.items.0.skuCode"),
    ("records.0.order.items.0.qty", "3", "records.0.order.items.0.qty"),
    ("records.0.order.items.0.qty", 0, "records.0.order.items.0.qty"),
    ("records.0.order.items.0.unitPrice", "9.99", "records.0.order.items.0.unitPrice"),
    ("records.0.order.items.0.unitPrice", 9.99, "records.0.order.items.0.unitPrice"),
    ("records.0.order.items.0.paidAmount", -1, "records.0.order.items.0.paidAmount"),
    ("records.0.order.items.0.paidAmount", False, "records.0.order.items.0.paidAmount"),
    ("records.0.order.items.0.paidAmount", 10**16, "records.0.order.items.0.paidAmount"),
    ("records.0.order.receiver", "Hangzhou", "records.0.order.receiver"),
    ("records.0.order.receiver.province", ..., "records.0.order.receiver.province"),
    ("records.0.order.receiver.mobile", "", "records.0.order.receiver.mobile"),
    ("records.1.orderNo", ..., "records.1.orderNo"), ("records.1.cancelReason", ["x"], "records.1.cancelReason"),
    ("records.2.receiver", None, "records.2.receiver"), ("records.2.receiver.city", 5, "records.2.receiver.city"),
    ("records.3.refund", ..., "records.3.refund"), ("records.3.refund.refundNo", ..., "records.3.refund.refundNo"),
    ("records.3.refund.orderNo", "", "records.3.refund.orderNo"),
    ("records.3.refund.refundAmount", "9.99", "records.3.refund.refundAmount"),
    ("records.3.refund.items", None, "records.3.refund.items"),
    ("records.3.refund.items.0.qty", -1, "records.3.refund.items.0.qty"),
    ("records.3.refund.items.0.itemId", None, "records.3.refund.items.0.itemId"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_PAGES)
def test_a_bad_field_is_named_by_its_path_and_a_bad_record_does_not_hold_back_the_others(path, value, field,
                                                                                          change):
    if not path.startswith("records."):  # the page itself: nothing of it can be read
        with pytest.raises(BadNews) as refused:
            KIND.read_page(change(PAGE, path, value), VOCABULARY)
        assert refused.value.field == field
        return
    page = KIND.read_page(change(PAGE, path, value), VOCABULARY)
    assert [bad.field for bad in page.unreadable] == [field]
    assert len(page.news) == len(PAGE["records"]) - 1
    assert page.next_cursor == PAGE["nextCursor"]


def test_a_page_that_is_not_an_object_is_refused():
    with pytest.raises(BadNews) as refused:
        KIND.read_page([ORDER], VOCABULARY)
    assert refused.value.field == "body"


def test_a_shipment_is_synced_to_the_order_status_call_in_the_channels_words():
    at = datetime.fromtimestamp(1796535494.25, UTC)
    update = SyncUpdate("B77", ExternalStatus.SHIPPED, ShipmentNews("shp-2", "shipped", "ZTO", "ZT000111222333",
                                                                    [("B77-1", 3)]), at)
    assert KIND.sync_request(update, VOCABULARY) == ("/api/orderStatus", {
        "orderNo": "B77", "status": "SHIPPED", "updatedAt": 1796535494250,
        "shipment": {"shipmentNo": "shp-2", "carrierCode": "ZTO_EXPRESS", "trackingNo": "ZT000111222333",
                     "state": "shipped", "items": [{"itemId": "B77-1", "qty": 3}]}})


@pytest.mark.parametrize(("status", "word"), [(ExternalStatus.DELIVERED, "DELIVERED"),
                                              (ExternalStatus.COMPLETED, "COMPLETED"),
                                              (ExternalStatus.CANCELLED, "CANCELED")])
def test_a_status_without_a_shipment_is_synced_with_no_shipment(status, word):
    assert KIND.sync_request(SyncUpdate("B77", status), VOCABULARY) == (
        "/api/orderStatus", {"orderNo": "B77", "status": word, "shipment": None, "updatedAt": None})


def test_an_unconfigured_status_is_synced_in_the_standard_word():
    _, body = KIND.sync_request(SyncUpdate("B77", ExternalStatus.REFUNDED), Vocabulary())
    assert body["status"] == "refunded"


def test_a_pull_channel_takes_no_push_and_imports_no_rows():
    for attempt in (lambda: KIND.read_push(PAGE, VOCABULARY), lambda: KIND.read_row({"sku": "x"}, VOCABULARY)):
        with pytest.raises(BadNews) as refused:
            attempt()
        assert refused.value.field == "kind" and "marketplace_pull" in refused.value.message
