"""A channel's address change settled by fulfillment: the order's receiver becomes the new one,
recorded in its history (status unchanged); the same receiver again changes nothing."""

from dataclasses import replace

from tradeflow_order.domain.states import OrderStatus

from .test_order_tracking import NOW, paid


def test_the_new_receiver_is_the_orders_and_its_history_says_which_change():
    order = paid()
    west = replace(order.receiver, region="west", city="Chengdu", address="9 Jinli St")
    order.receiver_changed(west, "chg-1", "fulfillment", NOW)
    assert (order.receiver, order.status) == (west, OrderStatus.AWAITING_SHIPMENT)
    last = order.history[-1]
    assert (last.event, last.actor, last.from_status, last.to_status) == (
        "receiver_changed", "fulfillment", OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_SHIPMENT)
    assert last.reason == "change chg-1: east/c → west/Chengdu"


def test_the_same_receiver_again_changes_nothing():
    order = paid()
    entries = len(order.history)
    order.receiver_changed(order.receiver, "chg-1", "fulfillment", NOW)
    assert len(order.history) == entries
