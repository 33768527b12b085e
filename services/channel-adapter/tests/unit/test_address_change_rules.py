"""A channel's address change: what it does by its order's place in the ledger, an order in review
taking the new receiver (and placed with it), fulfillment's answer read as done or refused."""

from datetime import UTC, datetime

import pytest

from tradeflow_channel_adapter.app.address_changes import a_channel_change
from tradeflow_channel_adapter.app.errors import ChangeNotInReview
from tradeflow_channel_adapter.app.publishing import channel_order_received
from tradeflow_channel_adapter.domain.address_change import AddressChangeStep, address_change_step, settled
from tradeflow_channel_adapter.domain.external import Address, ExternalLine, ExternalOrder, ExternalStatus
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, MappedLine, NotInReview, OrderStatus
from tradeflow_contracts.fulfillment import ReceiverChangeSettled
from tradeflow_contracts.orders import Receiver

OLD = Address("Li Lei", "13800138000", "Zhejiang", "Hangzhou", "2 West Lake Rd")
NEW = Address("Han Meimei", "13900139000", "Jiangsu", "Suzhou", "9 Canal St")
LINE = ExternalLine("1", "cs-1", 1, 100, 100)


def _record(status: OrderStatus) -> ChannelOrder:
    order = ExternalOrder("T1", ExternalStatus.PAID, "m1", "13800138000", "CNY", [LINE], receiver=OLD)
    return ChannelOrder("co_1", "shopa", "push", order, status)


@pytest.mark.parametrize(("status", "step"), [
    (None, AddressChangeStep.WAIT), (OrderStatus.ACCEPTED, AddressChangeStep.WAIT),
    (OrderStatus.REVIEW, AddressChangeStep.APPLY), (OrderStatus.PLACED, AddressChangeStep.STAFF),
    (OrderStatus.REFUSED, AddressChangeStep.NOTHING), (OrderStatus.REJECTED, AddressChangeStep.NOTHING),
    (OrderStatus.CANCELLED, AddressChangeStep.NOTHING),
])
def test_an_address_change_waits_applies_goes_to_staff_or_changes_nothing_by_its_orders_status(status, step):
    assert address_change_step(status) is step


def test_an_order_in_review_takes_the_new_receiver_and_is_placed_with_it():
    record = _record(OrderStatus.REVIEW)
    record.change_receiver(NEW)
    record.accept("acct_1", {"1": 100})
    received = channel_order_received(record, [MappedLine(LINE, "sku-1")], datetime(2026, 12, 6, tzinfo=UTC))
    assert record.news.receiver == NEW and record.news.lines == [LINE]
    assert received.receiver == Receiver(name="Han Meimei", phone="13900139000", region="Jiangsu", city="Suzhou",
                                         address="9 Canal St")


@pytest.mark.parametrize("status", [OrderStatus.ACCEPTED, OrderStatus.PLACED, OrderStatus.CANCELLED])
def test_only_an_order_in_review_has_its_receiver_changed_in_the_ledger(status):
    record = _record(status)
    with pytest.raises(NotInReview):
        record.change_receiver(NEW)
    assert record.news.receiver == OLD


def test_a_change_every_shipment_took_is_done_naming_each():
    assert settled(True, [("sh_1", "changed"), ("sh_2", "changed after interception")]) == (
        True, "sent to the new receiver: sh_1 changed; sh_2 changed after interception")


def test_a_change_a_shipment_could_not_take_is_refused_naming_what_each_did():
    assert settled(False, [("sh_1", "changed"), ("sh_2", "on its way")]) == (False, "sh_1 changed; sh_2 on its way")


def test_a_change_of_an_order_with_nothing_to_send_is_refused():
    assert settled(False, []) == (False, "nothing to send: the order has no shipment to change")


@pytest.mark.parametrize(("change_id", "ours"), [("cn_0f3a", True), ("chg-1", False), ("cnx_1", False)])
def test_only_answers_to_the_adapters_own_changes_are_taken_in(change_id, ours):
    answer = ReceiverChangeSettled(change_id=change_id, order_id="O-1", changed=False, outcomes=[],
                                   receiver=Receiver(name="a", phone="1", region="r", city="c", address="x"),
                                   settled_at=datetime(2026, 12, 6, tzinfo=UTC))
    assert a_channel_change(answer) is ours


def test_staff_are_told_why_a_change_cannot_be_approved():
    assert str(ChangeNotInReview("cn_1", "refund", "sent")) == (
        "change cn_1 (refund) is sent: staff approve or reject only an address change waiting in review")
