"""The order follows its shipments and entitlements (fulfillment's events): partially shipped,
shipped, completed on the buyer's confirmation once every parcel is signed for — or at once for
virtual goods when every entitlement is granted."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.placement import Cart, CartLine, place
from tradeflow_order.domain.tracking import ShippedLine

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


def paid(*lines: CartLine):
    counter = itertools.count()
    cart = Cart("b1", "app", "CNY", Receiver("n", "13800000000", "east", "c", "a"),
                list(lines) or [CartLine("A", "m1", 2, 1000), CartLine("B", "m2", 1, 500)], 0, [])
    order = place(cart, lambda prefix: f"{prefix}-{next(counter)}", "buyer:b1", NOW)
    for sub in order.sub_orders:
        order.stock_reserved(sub.id, {}, NOW)
    order.await_payment(NOW + timedelta(minutes=30), NOW)
    order.pay(NOW)
    return order


def lines_of(order):
    return [ln for sub in order.sub_orders for ln in sub.lines]


def move(order, shipment_id: str, *statuses: str):
    for n, status in enumerate(statuses):
        order.shipment_changed(shipment_id, status, status, NOW + timedelta(minutes=n), NOW)


def test_shipments_move_the_order_to_partially_shipped_then_shipped_then_completed_on_confirmation():
    order = paid()
    a, b = lines_of(order)
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 1)], NOW)  # A split over two parcels
    order.shipment_planned("sh-2", "WH-2", "SF", "ready", [ShippedLine(a.id, 1), ShippedLine(b.id, 1)], NOW)
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 1)], NOW)  # a repeat
    assert len(order.shipments) == 2 and order.status == "awaiting_shipment"
    move(order, "sh-1", "dispatched", "picked", "packed", "shipped")
    assert order.status == "partially_shipped"
    assert [s.status for s in order.sub_orders] == ["partially_shipped", "awaiting_shipment"]
    move(order, "sh-2", "dispatched", "shipped")
    assert order.status == "shipped" and [s.status for s in order.sub_orders] == ["shipped", "shipped"]
    move(order, "sh-1", "in_transit", "signed")
    with pytest.raises(IllegalTransition, match="not every parcel"):
        order.confirm_receipt("buyer:b1", NOW)
    move(order, "sh-2", "signed")
    order.confirm_receipt("buyer:b1", NOW)
    assert order.status == "completed" and order.settled
    assert [h.to_status for h in order.history if h.event in ("ship_part", "ship", "confirm_receipt")] == [
        "partially_shipped", "shipped", "completed"]
    assert [e.status for e in order.shipments[0].events] == ["ready", "dispatched", "picked", "packed", "shipped",
                                                             "in_transit", "signed"]


def test_a_repeated_status_event_is_recorded_once_and_an_unknown_shipment_is_refused():
    order = paid()
    a, _ = lines_of(order)
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 2)], NOW)
    order.shipment_changed("sh-1", "dispatched", "dispatch", NOW, NOW, waybill="SF1", dispatch_number="sh-1-1")
    order.shipment_changed("sh-1", "dispatched", "dispatch", NOW, NOW)
    assert len(order.shipments[0].events) == 2 and order.shipments[0].waybill == "SF1"
    with pytest.raises(IllegalTransition, match="no shipment"):
        order.shipment_changed("sh-9", "shipped", "shipped", NOW, NOW)


def test_virtual_goods_only_complete_when_every_entitlement_is_granted():
    order = paid(CartLine("COURSE", "m1", 1, 9900, kind="virtual"), CartLine("EBOOK", "m1", 1, 900, kind="virtual"))
    course, ebook = lines_of(order)
    order.entitlement_granted(course.id, "ent-1", NOW)
    assert order.status == "awaiting_shipment"
    order.entitlement_granted(ebook.id, "ent-2", NOW)
    order.entitlement_granted(ebook.id, "ent-2", NOW)  # a repeat
    assert order.status == "completed" and [ln.entitlement_id for ln in lines_of(order)] == ["ent-1", "ent-2"]


def test_a_mixed_order_ships_its_goods_and_is_confirmed_once_its_course_is_granted_too():
    order = paid(CartLine("COURSE", "m1", 1, 9900, kind="virtual"), CartLine("BOOK", "m1", 1, 900))
    course, book = lines_of(order)
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(book.id, 1)], NOW)
    move(order, "sh-1", "shipped", "signed")
    assert order.status == "shipped"
    with pytest.raises(IllegalTransition, match="entitlement"):
        order.confirm_receipt("buyer:b1", NOW)
    order.entitlement_granted(course.id, "ent-1", NOW)
    order.confirm_receipt("buyer:b1", NOW)
    assert order.status == "completed"


def test_receipt_cannot_be_confirmed_before_shipment():
    with pytest.raises(IllegalTransition, match="awaiting_shipment"):
        paid().confirm_receipt("buyer:b1", NOW)


def test_receipt_is_confirmed_for_the_buyer_once_everything_is_received_and_armed_once():
    order = paid()
    a, b = lines_of(order)
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 2), ShippedLine(b.id, 1)], NOW)
    move(order, "sh-1", "shipped")
    order.arm_auto_confirm(NOW + timedelta(days=7))
    assert order.auto_confirm_at is None  # shipped, not signed for yet
    move(order, "sh-1", "shipped", "signed")
    order.arm_auto_confirm(NOW + timedelta(days=7))
    order.arm_auto_confirm(NOW + timedelta(days=8))  # armed once
    assert order.auto_confirm_at == NOW + timedelta(days=7)
    order.confirm_receipt("buyer:b1", NOW)
    assert (order.status, order.auto_confirm_at) == ("completed", None)


def test_a_shipment_told_again_holds_what_it_says_now():
    """A partial stop before dispatch shrinks the shipment: fulfillment plans it again with fewer units."""
    order = paid(CartLine("A", "m1", 3, 1000))
    [a] = lines_of(order)
    order.shipment_planned("sh-1", "WH-1", "SF", "pending_review", [ShippedLine(a.id, 3)], NOW)
    order.shipment_planned("sh-1", "WH-1", "SF", "pending_review", [ShippedLine(a.id, 2)], NOW)
    assert [s.units() for s in order.shipments] == [{a.id: 2}]
    assert [e.event for e in order.shipments[0].events] == ["planned"]  # not a second planning
