"""Kind `marketplace_push` (shape A): a pushed webhook read into the standard form, every bad field
refused by its own path, and our sync-back call in the channel's words."""

from datetime import UTC, datetime, timedelta

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
    RefundedLine,
    ShipmentNews,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds import KINDS

KIND = KINDS[Kind.MARKETPLACE_PUSH]
VOCABULARY = Vocabulary(
    statuses={"WAIT_SELLER_SEND_GOODS": ExternalStatus.PAID, "WAIT_BUYER_CONFIRM_GOODS": ExternalStatus.SHIPPED,
              "TRADE_BUYER_SIGNED": ExternalStatus.DELIVERED, "TRADE_FINISHED": ExternalStatus.COMPLETED,
              "TRADE_CLOSED": ExternalStatus.CANCELLED, "TRADE_CLOSED_BY_REFUND": ExternalStatus.REFUNDED},
    carriers={"SF": "SFEXPRESS"}, money=MoneyFormat.DECIMAL, address=AddressFormat.JOINED)
PAID = {"msg_id": "msg1", "event": "TradeBuyerPay", "tid": "3100", "status": "WAIT_SELLER_SEND_GOODS",
        "buyer_open_uid": "u-7", "receiver_mobile": "13800000000", "currency": "CNY",
        "pay_time": "2026-12-06 13:29:15", "receiver_name": "Li Lei",
        "receiver_address": "Shanghai Shanghai 1 Nanjing Rd, Room 2",
        "orders": [{"oid": "310001", "outer_sku_id": "TB-1", "num": 2, "price": "12.50", "payment": "24.00"},
                   {"oid": "310002", "outer_sku_id": "TB-2", "num": 1, "price": "0.99", "payment": "0"}]}
RECEIVER = Address("Li Lei", "13800000000", "Shanghai", "Shanghai", "1 Nanjing Rd, Room 2")


def read(body: object, vocabulary: Vocabulary = VOCABULARY):
    [news] = KIND.read_push(body, vocabulary)
    return news


def test_a_paid_order_with_decimal_money_and_a_joined_address():
    assert read(PAID) == ExternalOrder(
        external_order_id="3100", status=ExternalStatus.PAID, member_id="u-7", phone="13800000000", currency="CNY",
        lines=[ExternalLine("310001", "TB-1", 2, 1250, 2400), ExternalLine("310002", "TB-2", 1, 99, 0)],
        receiver=RECEIVER, paid_at=datetime(2026, 12, 6, 5, 29, 15, tzinfo=UTC))


def test_an_order_of_virtual_goods_has_no_receiver_and_may_have_no_mobile():
    body = PAID | {"receiver_name": None, "receiver_address": None, "pay_time": None}
    order = read(body)
    assert (order.receiver, order.phone, order.paid_at) == (None, "13800000000", None)
    assert read(body | {"receiver_mobile": ""}).phone is None
    assert read(body | {"receiver_mobile": " 13900000000 "}).phone == "13900000000"


def test_the_paid_time_is_beijing_time():
    paid_at = read(PAID).paid_at
    assert paid_at.utcoffset() == timedelta(hours=8) and paid_at.astimezone(UTC).hour == 5


def test_a_close_an_address_change_and_a_refund():
    assert read({"event": "TradeClose", "tid": "3100", "status": "TRADE_CLOSED", "close_reason": "no stock"}) == (
        ExternalCancellation("3100", "no stock"))
    assert read({"event": "TradeClose", "tid": "3100"}).reason == "closed on the channel"
    assert read({"event": "TradeLogisticsAddressChanged", "tid": "3100", "receiver_name": "Li Lei",
                 "receiver_mobile": "13800000000", "receiver_address": "Shanghai Shanghai 1 Nanjing Rd, Room 2"}) == (
        ExternalAddressChange("3100", RECEIVER))
    assert read({"event": "RefundSuccess", "refund_id": "RF1", "tid": "3100", "refund_fee": "12.00",
                 "reason": "buyer asked", "items": [{"oid": "310001", "num": 1}]}) == ExternalRefund(
        "RF1", "3100", [RefundedLine("310001", 1)], 1200, "buyer asked")


def test_minor_money_and_a_split_address_when_the_channel_is_so_configured():
    vocabulary = Vocabulary(statuses=VOCABULARY.statuses, money=MoneyFormat.MINOR, address=AddressFormat.SPLIT)
    body = PAID | {"receiver_state": "Shanghai", "receiver_city": "Shanghai",
                   "receiver_address": "1 Nanjing Rd, Room 2",
                   "orders": [{"oid": "1", "outer_sku_id": "TB-1", "num": 2, "price": 1250, "payment": 2400}]}
    order = read(body, vocabulary)
    assert order.receiver == RECEIVER and order.lines == [ExternalLine("1", "TB-1", 2, 1250, 2400)]
    with pytest.raises(BadNews) as refused:
        read(PAID, vocabulary)
    assert refused.value.field == "orders.0.price"


BAD_ORDERS = [
    ("tid", ..., "tid"), ("tid", "", "tid"), ("tid", 3100, "tid"), ("tid", "31\x0000", "tid"),
    ("status", "PAID", "status"), ("status", None, "status"), ("buyer_open_uid", ..., "buyer_open_uid"),
    ("receiver_mobile", 13800000000, "receiver_mobile"), ("currency", ..., "currency"),
    ("pay_time", "yesterday", "pay_time"), ("pay_time", 1733456955, "pay_time"),
    ("orders", [], "orders"), ("orders", "310001", "orders"), ("orders.0", "310001", "orders.0"),
    ("orders.0.oid", ..., "orders.0.oid"), ("orders.1.outer_sku_id", "", "orders.1.outer_sku_id"),
    ("orders.0.num", 0, "orders.0.num"), ("orders.0.num", -1, "orders.0.num"), ("orders.0.num", 1.5, "orders.0.num"),
    ("orders.0.num", True, "orders.0.num"), ("orders.0.num", 10**9, "orders.0.num"),
    ("orders.0.price", 12.5, "orders.0.price"), ("orders.0.price", "12.505", "orders.0.price"),
    ("orders.0.price", "abc", "orders.0.price"), ("orders.0.price", ..., "orders.0.price"),
    ("orders.1.payment", "-1.00", "orders.1.payment"), ("orders.1.payment", "NaN", "orders.1.payment"),
    ("orders.1.payment", "1e20", "orders.1.payment"), ("orders.1.payment", 99, "orders.1.payment"),
    ("receiver_address", "Shanghai Shanghai", "receiver_address"), ("receiver_name", ..., "receiver_name"),
    ("receiver_mobile", None, "receiver_mobile"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_ORDERS)
def test_a_bad_field_of_an_order_is_refused_by_its_path(path, value, field, change):
    with pytest.raises(BadNews) as refused:
        read(change(PAID, path, value))
    assert refused.value.field == field


@pytest.mark.parametrize(("body", "field"), [
    ([PAID], "body"), ("TradeBuyerPay", "body"), (PAID | {"event": "TradeCreate"}, "event"),
    ({k: v for k, v in PAID.items() if k != "event"}, "event"),
    ({"event": "TradeClose"}, "tid"), ({"event": "TradeClose", "tid": "1", "close_reason": 5}, "close_reason"),
    ({"event": "TradeLogisticsAddressChanged", "tid": "1", "receiver_name": "A", "receiver_mobile": "1"},
     "receiver_address"),
    ({"event": "RefundSuccess", "tid": "1", "refund_fee": "1.00", "items": [{"oid": "a", "num": 1}]}, "refund_id"),
    ({"event": "RefundSuccess", "refund_id": "R", "tid": "1", "refund_fee": "x", "items": [{"oid": "a", "num": 1}]},
     "refund_fee"),
    ({"event": "RefundSuccess", "refund_id": "R", "tid": "1", "refund_fee": "1.00", "items": []}, "items"),
    ({"event": "RefundSuccess", "refund_id": "R", "tid": "1", "refund_fee": "1.00", "items": ["a"]}, "items.0"),
    ({"event": "RefundSuccess", "refund_id": "R", "tid": "1", "refund_fee": "1.00", "items": [{"oid": "a"}]},
     "items.0.num"),
    ({"event": "RefundSuccess", "refund_id": "R", "tid": "1", "refund_fee": "1.00", "items": [{"num": 1}]},
     "items.0.oid"),
])
def test_a_bad_body_or_a_bad_field_of_other_news_is_refused_by_its_path(body, field):
    with pytest.raises(BadNews) as refused:
        read(body)
    assert refused.value.field == field


def test_a_shipment_is_synced_to_the_logistics_call_in_the_channels_words():
    at = datetime(2026, 12, 6, 5, 0, 0, tzinfo=UTC)
    update = SyncUpdate("3100", ExternalStatus.SHIPPED, ShipmentNews("shp-1", "shipped", "SF", "SF123456789012",
                                                                     [("310001", 2)]), at)
    assert KIND.sync_request(update, VOCABULARY) == ("/api/logistics", {
        "tid": "3100", "status": "WAIT_BUYER_CONFIRM_GOODS", "modified": "2026-12-06 13:00:00",
        "logistics": {"company_code": "SFEXPRESS", "out_sid": "SF123456789012", "ship_id": "shp-1",
                      "state": "shipped", "items": [{"oid": "310001", "num": 2}]}})
    _, other_carrier = KIND.sync_request(SyncUpdate("3100", ExternalStatus.DELIVERED, ShipmentNews(
        "shp-1", "signed", "YTO", None)), VOCABULARY)
    assert other_carrier["status"] == "TRADE_BUYER_SIGNED" and other_carrier["modified"] is None
    assert other_carrier["logistics"] | {"items": None} == {"company_code": "YTO", "out_sid": None,
                                                            "ship_id": "shp-1", "state": "signed", "items": None}


@pytest.mark.parametrize(("status", "word"), [(ExternalStatus.COMPLETED, "TRADE_FINISHED"),
                                              (ExternalStatus.CANCELLED, "TRADE_CLOSED"),
                                              (ExternalStatus.REFUNDED, "TRADE_CLOSED_BY_REFUND")])
def test_a_status_without_a_shipment_is_synced_with_no_logistics(status, word):
    path, body = KIND.sync_request(SyncUpdate("3100", status), VOCABULARY)
    assert (path, body["status"], body["logistics"]) == ("/api/logistics", word, None)


def test_a_push_channel_serves_no_feed_and_imports_no_rows():
    for attempt in (lambda: KIND.pull_request(None), lambda: KIND.read_page({"records": []}, VOCABULARY),
                    lambda: KIND.read_row({"sku": "x"}, VOCABULARY)):
        with pytest.raises(BadNews) as refused:
            attempt()
        assert refused.value.field == "kind" and "marketplace_push" in refused.value.message
