"""Kind `erp` (shape C, an ERP in front of marketplaces): a pushed webhook read into the standard
form with each line's shop SKU and ERP goods code, every bad field refused by its own path, our
sync-back call in the ERP's words, a line mapped through its goods code when its shop SKU is not
mapped, and the market simulator's shape C read as it meant it."""

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
from tradeflow_channel_adapter.domain.ledger import MappedLine, map_lines
from tradeflow_simulators.market.shape_c import STATUSES as C_WORDS
from tradeflow_simulators.market.shape_c import ShapeC
from tradeflow_simulators.market.shop import Line, Order, Refund

KIND = KINDS[Kind.ERP]
VOCABULARY = Vocabulary(
    statuses={w: ExternalStatus(s) for w, s in C_WORDS.items()}, carriers={"SF": "顺丰速运"},
    money=MoneyFormat.DECIMAL, address=AddressFormat.SPLIT)
RECEIVER_BODY = {"Name": "Li Lei", "Mobile": "13800000000", "State": "Shanghai", "City": "Shanghai",
                 "Address": "1 Nanjing Rd, Room 2"}
RECEIVER = Address("Li Lei", "13800000000", "Shanghai", "Shanghai", "1 Nanjing Rd, Room 2")
PAID = {"MsgId": "msg1", "Method": "order.paid", "SoId": "SO31", "ShopStatus": "WaitSend", "BuyerId": "u-7",
        "Mobile": "13800000000", "Currency": "CNY", "PayDate": "2026-12-06 13:29:15", "Receiver": RECEIVER_BODY,
        "Items": [{"OuterOiId": "SO31-1", "ShopSkuId": "TB-1", "GoodsCode": "G-100", "Qty": 2, "Price": "12.50",
                   "Amount": "24.00"},
                  {"OuterOiId": "SO31-2", "ShopSkuId": "TB-2", "GoodsCode": "G-200", "Qty": 1, "Price": "0.99",
                   "Amount": "0"}]}
REFUND = {"Method": "refund.success", "AsId": "AS1", "SoId": "SO31", "RefundAmount": "12.00",
          "Reason": "buyer asked", "Items": [{"OuterOiId": "SO31-1", "Qty": 1}]}


def read(body: object, vocabulary: Vocabulary = VOCABULARY):
    [news] = KIND.read_push(body, vocabulary)
    return news


def test_a_paid_order_names_each_lines_shop_sku_and_erp_goods_code():
    assert read(PAID) == ExternalOrder(
        external_order_id="SO31", status=ExternalStatus.PAID, member_id="u-7", phone="13800000000", currency="CNY",
        lines=[ExternalLine("SO31-1", "TB-1", 2, 1250, 2400, erp_code="G-100"),
               ExternalLine("SO31-2", "TB-2", 1, 99, 0, erp_code="G-200")],
        receiver=RECEIVER, paid_at=datetime(2026, 12, 6, 5, 29, 15, tzinfo=UTC))


def test_an_order_of_virtual_goods_has_no_receiver_and_may_have_no_mobile():
    body = PAID | {"Receiver": None, "PayDate": None}
    order = read(body)
    assert (order.receiver, order.phone, order.paid_at) == (None, "13800000000", None)
    assert read({k: v for k, v in body.items() if k not in ("Receiver", "Mobile")}).phone is None
    assert read(body | {"Mobile": " 13900000000 "}).phone == "13900000000"


def test_the_pay_date_is_beijing_time():
    paid_at = read(PAID).paid_at
    assert paid_at.utcoffset() == timedelta(hours=8) and paid_at.astimezone(UTC).hour == 5


def test_a_cancellation_an_address_change_and_a_refund():
    assert read({"Method": "order.cancel", "SoId": "SO31", "ShopStatus": "Cancelled", "Remark": "no stock"}) == (
        ExternalCancellation("SO31", "no stock"))
    assert read({"Method": "order.cancel", "SoId": "SO31"}).reason == "cancelled on the channel"
    assert read({"Method": "order.address", "SoId": "SO31", "Receiver": RECEIVER_BODY}) == (
        ExternalAddressChange("SO31", RECEIVER))
    assert read(REFUND) == ExternalRefund("AS1", "SO31", [RefundedLine("SO31-1", 1)], 1200, "buyer asked")
    assert read(REFUND | {"Reason": None}).reason == "refunded on the channel"


def test_minor_money_and_a_joined_address_when_the_channel_is_so_configured():
    vocabulary = Vocabulary(statuses=VOCABULARY.statuses, money=MoneyFormat.MINOR, address=AddressFormat.JOINED)
    body = PAID | {"Receiver": {"Name": "Li Lei", "Mobile": "13800000000",
                                "Address": "Shanghai Shanghai 1 Nanjing Rd, Room 2"},
                   "Items": [{"OuterOiId": "1", "ShopSkuId": "TB-1", "GoodsCode": "G", "Qty": 2, "Price": 1250,
                              "Amount": 2400}]}
    order = read(body, vocabulary)
    assert order.receiver == RECEIVER and order.lines == [ExternalLine("1", "TB-1", 2, 1250, 2400, "G")]
    with pytest.raises(BadNews) as refused:
        read(PAID, vocabulary)
    assert refused.value.field == "Items.0.Price"


BAD_ORDERS = [
    ("SoId", ..., "SoId"), ("SoId", "", "SoId"), ("SoId", 31, "SoId"), ("SoId", "S\x00O", "SoId"),
    ("ShopStatus", "WAIT_SELLER_SEND_GOODS", "ShopStatus"), ("ShopStatus", None, "ShopStatus"),
    ("BuyerId", ..., "BuyerId"), ("Mobile", 13800000000, "Mobile"), ("Currency", ..., "Currency"),
    ("PayDate", "yesterday", "PayDate"), ("PayDate", 1733456955, "PayDate"),
    ("Items", [], "Items"), ("Items", "SO31-1", "Items"), ("Items.0", "SO31-1", "Items.0"),
    ("Items.0.OuterOiId", ..., "Items.0.OuterOiId"), ("Items.1.ShopSkuId", "", "Items.1.ShopSkuId"),
    ("Items.1.GoodsCode", ..., "Items.1.GoodsCode"), ("Items.0.GoodsCode", 100, "Items.0.GoodsCode"),
    ("Items.0.Qty", 0, "Items.0.Qty"), ("Items.0.Qty", -1, "Items.0.Qty"), ("Items.0.Qty", 1.5, "Items.0.Qty"),
    ("Items.0.Qty", True, "Items.0.Qty"), ("Items.0.Qty", "2", "Items.0.Qty"), ("Items.0.Qty", 10**9, "Items.0.Qty"),
    ("Items.0.Price", 12.5, "Items.0.Price"), ("Items.0.Price", "12.505", "Items.0.Price"),
    ("Items.0.Price", "abc", "Items.0.Price"), ("Items.0.Price", ..., "Items.0.Price"),
    ("Items.1.Amount", "-1.00", "Items.1.Amount"), ("Items.1.Amount", "NaN", "Items.1.Amount"),
    ("Items.1.Amount", "1e20", "Items.1.Amount"), ("Items.1.Amount", 99, "Items.1.Amount"),
    ("Receiver", "Shanghai", "Receiver"), ("Receiver.Name", ..., "Receiver.Name"),
    ("Receiver.Mobile", None, "Receiver.Mobile"), ("Receiver.State", "", "Receiver.State"),
    ("Receiver.City", ..., "Receiver.City"), ("Receiver.Address", 1, "Receiver.Address"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_ORDERS)
def test_a_bad_field_of_an_order_is_refused_by_its_own_path(path, value, field, change):
    with pytest.raises(BadNews) as refused:
        read(change(PAID, path, value))
    assert refused.value.field == field


@pytest.mark.parametrize(("body", "field"), [
    ([PAID], "body"), ("order.paid", "body"), (PAID | {"Method": "order.create"}, "Method"),
    ({k: v for k, v in PAID.items() if k != "Method"}, "Method"), (PAID | {"Method": "TradeBuyerPay"}, "Method"),
    ({"Method": "order.cancel"}, "SoId"), ({"Method": "order.cancel", "SoId": "1", "Remark": 5}, "Remark"),
    ({"Method": "order.address", "SoId": "1"}, "Receiver"),
    ({"Method": "order.address", "SoId": "1", "Receiver": RECEIVER_BODY | {"City": None}}, "Receiver.City"),
    ({k: v for k, v in REFUND.items() if k != "AsId"}, "AsId"), (REFUND | {"SoId": ""}, "SoId"),
    (REFUND | {"RefundAmount": "x"}, "RefundAmount"), (REFUND | {"RefundAmount": 12}, "RefundAmount"),
    (REFUND | {"Items": []}, "Items"), (REFUND | {"Items": ["a"]}, "Items.0"),
    (REFUND | {"Items": [{"OuterOiId": "a"}]}, "Items.0.Qty"), (REFUND | {"Items": [{"Qty": 1}]}, "Items.0.OuterOiId"),
    (REFUND | {"Reason": 3}, "Reason"),
])
def test_a_bad_body_or_a_bad_field_of_other_news_is_refused_by_its_own_path(body, field):
    with pytest.raises(BadNews) as refused:
        read(body)
    assert refused.value.field == field


def test_a_shipment_is_synced_to_the_logistics_call_in_the_erps_words():
    at = datetime(2026, 12, 6, 5, 0, 0, tzinfo=UTC)
    update = SyncUpdate("SO31", ExternalStatus.SHIPPED, ShipmentNews("shp-1", "shipped", "SF", "SF123456789012",
                                                                     [("SO31-1", 2)]), at)
    assert KIND.sync_request(update, VOCABULARY) == ("/api/order.logistics", {
        "SoId": "SO31", "ShopStatus": "Sent", "ModifiedDate": "2026-12-06 13:00:00",
        "Logistics": {"LcName": "顺丰速运", "LId": "SF123456789012", "ShipmentId": "shp-1", "State": "shipped",
                      "Items": [{"OuterOiId": "SO31-1", "Qty": 2}]}})
    _, other_carrier = KIND.sync_request(SyncUpdate("SO31", ExternalStatus.DELIVERED, ShipmentNews(
        "shp-1", "signed", "YTO", None)), VOCABULARY)
    assert other_carrier["ShopStatus"] == "Signed" and other_carrier["ModifiedDate"] is None
    assert other_carrier["Logistics"] == {"LcName": "YTO", "LId": None, "ShipmentId": "shp-1", "State": "signed",
                                          "Items": []}


@pytest.mark.parametrize(("status", "word"), [(ExternalStatus.COMPLETED, "Finished"),
                                              (ExternalStatus.CANCELLED, "Cancelled"),
                                              (ExternalStatus.REFUNDED, "Refunded")])
def test_a_status_without_a_shipment_is_synced_with_no_logistics(status, word):
    path, body = KIND.sync_request(SyncUpdate("SO31", status), VOCABULARY)
    assert (path, body["ShopStatus"], body["Logistics"]) == ("/api/order.logistics", word, None)


def test_an_erp_channel_serves_no_feed_and_imports_no_rows():
    for attempt in (lambda: KIND.pull_request(None), lambda: KIND.read_page({"records": []}, VOCABULARY),
                    lambda: KIND.read_row({"sku": "x"}, VOCABULARY)):
        with pytest.raises(BadNews) as refused:
            attempt()
        assert refused.value.field == "kind" and "erp" in refused.value.message


def test_a_line_whose_shop_sku_is_unmapped_is_mapped_through_its_goods_code():
    order = read(PAID)
    mapping = map_lines(order, {"G-100": "SKU-LOCAL-1", "TB-2": "SKU-LOCAL-2", "G-200": "SKU-NOT-THIS"})
    assert mapping.lines == [MappedLine(order.lines[0], "SKU-LOCAL-1"), MappedLine(order.lines[1], "SKU-LOCAL-2")]
    assert not mapping.unmapped
    assert map_lines(order, {"G-100": "SKU-LOCAL-1"}).unmapped == ["TB-2"]


# -- the market simulator's shape C and the kind agree -------------------------------------------------
SHAPE = ShapeC()
SIM_RECEIVER = {"name": "Li Lei", "phone": "13800000000", "region": "Shanghai", "city": "Pudong",
                "address": "1 Century Ave, Tower 2"}


def a_sim_order(receiver: dict | None) -> Order:
    lines = [Line(SHAPE.line_id("SO1", 0), "TB-1", 2, 1250, 2399, "G-100"),
             Line(SHAPE.line_id("SO1", 1), "TB-2", 1, 5, 0)]
    return Order("SO1", "member-1", "13900000000", "CNY", lines, receiver, SHAPE.paid,
                 datetime(2026, 12, 6, 5, 29, 15, tzinfo=UTC))


@pytest.mark.parametrize("receiver", [SIM_RECEIVER, None])
def test_the_simulators_shape_c_order_is_read_as_it_meant_it(receiver):
    order = read(SHAPE.order_news(a_sim_order(receiver)))
    assert order.lines == [ExternalLine("SO1-1", "TB-1", 2, 1250, 2399, "G-100"),
                           ExternalLine("SO1-2", "TB-2", 1, 5, 0, "TB-2")]
    assert (order.status, order.member_id, order.phone) == (ExternalStatus.PAID, "member-1", "13900000000")
    assert order.receiver == (Address("Li Lei", "13800000000", "Shanghai", "Pudong", "1 Century Ave, Tower 2")
                              if receiver else None)
    assert order.paid_at == datetime(2026, 12, 6, 5, 29, 15, tzinfo=UTC)


def test_the_simulators_shape_c_other_news_is_read_as_it_meant_it():
    order = a_sim_order(SIM_RECEIVER)
    assert read(SHAPE.cancel_news(order, "buyer cancelled")) == ExternalCancellation("SO1", "buyer cancelled")
    assert read(SHAPE.address_news(order)).receiver.city == "Pudong"
    assert read(SHAPE.refund_news(Refund("AS9", "SO1", [("SO1-1", 1)], 1199, "broken"))) == ExternalRefund(
        "AS9", "SO1", [RefundedLine("SO1-1", 1)], 1199, "broken")


@pytest.mark.parametrize("status", list(ExternalStatus))
def test_every_sync_call_the_kind_shapes_is_taken_by_the_simulators_shape_c(status):
    shipment = ShipmentNews("shp-1", "shipped", "SF", "SF1", [("SO1-1", 2)])
    path, body = KIND.sync_request(SyncUpdate("SO1", status, shipment, datetime.now(UTC)), VOCABULARY)
    assert path == f"/api/{SHAPE.sync_path}"
    assert SHAPE.read_sync(body) == ("SO1", VOCABULARY.status_word(status))
