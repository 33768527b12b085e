"""Kind `offline`: one CSV row read into an order of one line, money in the channel's format, the
receiver all or none, every bad cell refused by its column; an offline channel has no feed, no
push and no sync-back."""

import pytest

from tradeflow_channel_adapter.domain.channel import AddressFormat, Kind, MoneyFormat, Vocabulary
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import Address, ExternalLine, ExternalOrder, ExternalStatus, SyncUpdate
from tradeflow_channel_adapter.domain.kinds import KINDS
from tradeflow_channel_adapter.domain.kinds.offline import CHANNEL_CURRENCY

KIND = KINDS[Kind.OFFLINE]
MINOR = Vocabulary(money=MoneyFormat.MINOR, address=AddressFormat.SPLIT)
DECIMAL = Vocabulary(money=MoneyFormat.DECIMAL, address=AddressFormat.JOINED)
ROW = {"external_order_id": "SCH-1", "member_id": "student-4", "phone": "13700000000", "sku": "COURSE-A",
       "quantity": "1", "unit_price": "19900", "paid_amount": "15000", "receiver_name": "", "receiver_phone": "",
       "region": "", "city": "", "address": ""}
GOODS = ROW | {"receiver_name": "Wang Wu", "receiver_phone": "13600000000", "region": "Beijing", "city": "Beijing",
               "address": "5 Chang'an Ave"}


def test_a_row_is_an_order_of_one_line_of_a_course_in_the_channels_currency():
    assert KIND.read_row(ROW, MINOR) == ExternalOrder(
        external_order_id="SCH-1", status=ExternalStatus.PAID, member_id="student-4", phone="13700000000",
        currency=CHANNEL_CURRENCY, lines=[ExternalLine("COURSE-A", "COURSE-A", 1, 19900, 15000)], receiver=None)
    assert KIND.read_row(ROW | {"currency": "CNY"}, MINOR).currency == "CNY"
    assert KIND.read_row({k: v for k, v in ROW.items() if k != "phone"}, MINOR).phone is None


def test_goods_go_to_the_receiver_split_or_joined():
    assert KIND.read_row(GOODS, MINOR).receiver == Address("Wang Wu", "13600000000", "Beijing", "Beijing",
                                                          "5 Chang'an Ave")
    joined = GOODS | {"region": "", "city": "", "address": "Beijing Beijing 5 Chang'an Ave",
                      "unit_price": "199.00", "paid_amount": "150"}
    order = KIND.read_row(joined, DECIMAL)
    assert order.receiver == Address("Wang Wu", "13600000000", "Beijing", "Beijing", "5 Chang'an Ave")
    assert order.lines == [ExternalLine("COURSE-A", "COURSE-A", 1, 19900, 15000)]


def test_cells_are_stripped():
    order = KIND.read_row(ROW | {"quantity": " 2 ", "unit_price": " 100 ", "member_id": " student-4 "}, MINOR)
    assert (order.lines[0].quantity, order.lines[0].unit_price_amount, order.member_id) == (2, 100, "student-4")


@pytest.mark.parametrize(("changes", "vocabulary", "column"), [
    ({"external_order_id": ""}, MINOR, "external_order_id"), ({"external_order_id": None}, MINOR, "external_order_id"),
    ({"member_id": "  "}, MINOR, "member_id"), ({"member_id": "a\x00b"}, MINOR, "member_id"),
    ({"sku": ""}, MINOR, "sku"),
    ({"quantity": "0"}, MINOR, "quantity"), ({"quantity": "1.5"}, MINOR, "quantity"),
    ({"quantity": "-1"}, MINOR, "quantity"), ({"quantity": "two"}, MINOR, "quantity"),
    ({"quantity": ""}, MINOR, "quantity"),
    ({"quantity": "99999999999"}, MINOR, "quantity"),
    ({"unit_price": "199.00"}, MINOR, "unit_price"), ({"unit_price": ""}, MINOR, "unit_price"),
    ({"paid_amount": "-5"}, MINOR, "paid_amount"), ({"paid_amount": "99999999999999999"}, MINOR, "paid_amount"),
    ({"unit_price": "199.005"}, DECIMAL, "unit_price"), ({"paid_amount": "abc"}, DECIMAL, "paid_amount"),
    ({"paid_amount": "Infinity"}, DECIMAL, "paid_amount"),
    ({"receiver_name": "Wang Wu"}, MINOR, "receiver_phone"),
    ({"address": "5 Chang'an Ave"}, MINOR, "receiver_name"),
    ({"receiver_name": "A", "receiver_phone": "1", "address": "x"}, MINOR, "region"),
    ({"receiver_name": "A", "receiver_phone": "1", "address": "Beijing 5Ave"}, DECIMAL, "address"),
])
def test_a_bad_cell_is_refused_by_its_column(changes, vocabulary, column):
    row = ROW | ({"unit_price": "199.00", "paid_amount": "150.00"} if vocabulary is DECIMAL else {}) | changes
    with pytest.raises(BadNews) as refused:
        KIND.read_row(row, vocabulary)
    assert refused.value.field == column


def test_an_offline_channel_has_no_push_no_feed_and_no_sync_back():
    for attempt in (lambda: KIND.read_push({}, MINOR), lambda: KIND.pull_request(None),
                    lambda: KIND.read_page({"records": []}, MINOR),
                    lambda: KIND.sync_request(SyncUpdate("SCH-1", ExternalStatus.COMPLETED), MINOR)):
        with pytest.raises(BadNews) as refused:
            attempt()
        assert refused.value.field == "kind" and "offline" in refused.value.message


def test_every_kind_is_registered_under_its_own_kind():
    assert set(KINDS) == set(Kind) and all(module.kind is kind for kind, module in KINDS.items())
