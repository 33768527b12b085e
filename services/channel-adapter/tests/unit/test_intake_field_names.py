"""What intake refuses past the kind (`check_order`: the buyer's phone, the channel's currency, line
ids, paid amounts; `check_refund`) is named in the channel's own shape, for every kind: shop A's
`receiver_mobile`, shop B's `records.1.order.mobile`, the ERP's `Mobile`, the CSV's `phone` —
never the standard form's `phone`, `currency` or `lines.0.paid_amount`."""

from dataclasses import replace

import pytest

from tradeflow_channel_adapter.domain.channel import AddressFormat, Kind, MoneyFormat, Vocabulary
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import ExternalOrder, ExternalRefund, ExternalStatus, RefundedLine
from tradeflow_channel_adapter.domain.kinds import KINDS
from tradeflow_channel_adapter.domain.ledger import check_order, check_refund

DECIMAL = Vocabulary(statuses={"PAID": ExternalStatus.PAID}, money=MoneyFormat.DECIMAL, address=AddressFormat.SPLIT)
MINOR = replace(DECIMAL, money=MoneyFormat.MINOR)

SHOP_A = {"event": "TradeBuyerPay", "tid": "A1", "status": "PAID", "buyer_open_uid": "u-1",
          "receiver_mobile": "13800000000", "currency": "CNY",
          "orders": [{"oid": "A1-1", "outer_sku_id": "TB-1", "num": 2, "price": "12.50", "payment": "24.00"},
                     {"oid": "A1-2", "outer_sku_id": "TB-2", "num": 1, "price": "1.00", "payment": "1.00"}]}
SHOP_A_REFUND = {"event": "RefundSuccess", "refund_id": "R1", "tid": "A1", "refund_fee": "12.00",
                 "items": [{"oid": "A1-1", "num": 1}]}
SHOP_B_ORDER = {"orderNo": "B1", "status": "PAID", "memberId": "m-1", "mobile": "13900000000", "currency": "CNY",
                "items": [{"itemId": "B1-1", "skuCode": "JD-1", "qty": 2, "unitPrice": 999, "paidAmount": 1998},
                          {"itemId": "B1-2", "skuCode": "JD-2", "qty": 1, "unitPrice": 100, "paidAmount": 100}]}
SHOP_B_REFUND = {"refundNo": "R1", "orderNo": "B1", "refundAmount": 999, "items": [{"itemId": "B1-1", "qty": 1}]}
ERP = {"Method": "order.paid", "SoId": "S1", "ShopStatus": "PAID", "BuyerId": "u-1", "Mobile": "13800000000",
       "Currency": "CNY", "Items": [
           {"OuterOiId": "S1-1", "ShopSkuId": "TB-1", "GoodsCode": "G-1", "Qty": 2, "Price": "12.50",
            "Amount": "24.00"},
           {"OuterOiId": "S1-2", "ShopSkuId": "TB-2", "GoodsCode": "G-2", "Qty": 1, "Price": "1.00", "Amount": "1.00"}]}
ERP_REFUND = {"Method": "refund.success", "AsId": "AS1", "SoId": "S1", "RefundAmount": "12.00",
              "Items": [{"OuterOiId": "S1-1", "Qty": 1}]}
ROW = {"external_order_id": "C1", "member_id": "s-1", "phone": "13700000000", "sku": "COURSE-A", "quantity": "1",
       "unit_price": "19900", "paid_amount": "15000", "currency": "CNY"}


def shop_a(**fields) -> ExternalOrder:
    return _one(KINDS[Kind.MARKETPLACE_PUSH].read_push(SHOP_A | fields, DECIMAL))


def shop_b(**fields) -> ExternalOrder:
    """Shop B's order as the second record of a feed page (after a cancellation)."""
    page = {"records": [{"seq": 0, "type": "ORDER_CANCELED", "orderNo": "B0"},
                        {"seq": 1, "type": "ORDER_CREATED", "order": SHOP_B_ORDER | fields}], "nextCursor": "2"}
    return KINDS[Kind.MARKETPLACE_PULL].read_page(page, MINOR).news[1]


def erp(**fields) -> ExternalOrder:
    return _one(KINDS[Kind.ERP].read_push(ERP | fields, DECIMAL))


def row(**cells) -> ExternalOrder:
    return KINDS[Kind.OFFLINE].read_row(ROW | cells, MINOR)


def _one(news: list) -> ExternalOrder:
    [one] = news
    return one


def _paying_more(order: ExternalOrder) -> ExternalOrder:
    first, *rest = order.lines
    return replace(order, lines=[replace(first, paid_amount=first.unit_price_amount * first.quantity + 1), *rest])


def _line_twice(order: ExternalOrder) -> ExternalOrder:
    """The order's first line again after its others (an offline order's rows merged: the same SKU twice)."""
    return replace(order, lines=[*order.lines, order.lines[0]])


ORDERS = {
    "shop A": (shop_a, {"receiver_mobile": "12"}, {"currency": "USD"},
               ("receiver_mobile", "currency", "orders.2.oid", "orders.0.payment")),
    "shop B": (shop_b, {"mobile": "12"}, {"currency": "USD"},
               ("records.1.order.mobile", "records.1.order.currency", "records.1.order.items.2.itemId",
                "records.1.order.items.0.paidAmount")),
    "erp": (erp, {"Mobile": "12"}, {"Currency": "USD"}, ("Mobile", "Currency", "Items.2.OuterOiId", "Items.0.Amount")),
    "offline": (row, {"phone": "12"}, {"currency": "USD"}, ("phone", "currency", "sku", "paid_amount")),
}


def _refused(order: ExternalOrder) -> str:
    with pytest.raises(BadNews) as refused:
        check_order(order, "CNY")
    return refused.value.field


@pytest.mark.parametrize("kind", ORDERS)
def test_an_order_is_refused_naming_the_channels_own_field(kind):
    read, bad_phone, other_currency, fields = ORDERS[kind]
    good = read()

    refused = (_refused(read(**bad_phone)), _refused(read(**other_currency)), _refused(_line_twice(good)),
               _refused(_paying_more(good)))

    assert refused == fields
    assert check_order(good, "CNY") is not None  # the good one passes, its phone normalised


def shop_a_refund() -> ExternalRefund:
    return _one(KINDS[Kind.MARKETPLACE_PUSH].read_push(SHOP_A_REFUND, DECIMAL))


def shop_b_refund() -> ExternalRefund:
    page = {"records": [{"seq": 0, "type": "REFUND_COMPLETED", "refund": SHOP_B_REFUND}], "nextCursor": "1"}
    return KINDS[Kind.MARKETPLACE_PULL].read_page(page, MINOR).news[0]


def erp_refund() -> ExternalRefund:
    return _one(KINDS[Kind.ERP].read_push(ERP_REFUND, DECIMAL))


REFUNDS = {
    "shop A": (shop_a_refund, ("items", "items.0.num", "refund_fee")),
    "shop B": (shop_b_refund, ("records.0.refund.items", "records.0.refund.items.0.qty",
                               "records.0.refund.refundAmount")),
    "erp": (erp_refund, ("Items", "Items.0.Qty", "RefundAmount")),
}


@pytest.mark.parametrize("kind", REFUNDS)
def test_a_refund_is_refused_naming_the_channels_own_field(kind):
    read, fields = REFUNDS[kind]
    good = read()
    bad = (replace(good, lines=[]), replace(good, lines=[RefundedLine(good.lines[0].external_line_id, 0)]),
           replace(good, amount=-1))

    refused = []
    for refund in bad:
        with pytest.raises(BadNews) as exc:
            check_refund(refund)
        refused.append(exc.value.field)

    assert tuple(refused) == fields
    check_refund(good)
