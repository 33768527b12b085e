import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.order import TRANSITIONS, Order
from tradeflow_order.domain.placement import Cart, CartLine, place
from tradeflow_order.domain.states import Reservation

NOW = datetime(2026, 11, 21, tzinfo=UTC)
RECEIVER = Receiver("n", "p", "east", "c", "a")


def new_order(*lines: CartLine):
    counter = itertools.count()
    cart = Cart("b1", "app", "CNY", Receiver("n", "p", "east", "c", "a"),
                list(lines) or [CartLine("A", "m1", 1, 1000), CartLine("B", "m2", 1, 500)], 0, [])
    return place(cart, lambda prefix: f"{prefix}-{next(counter)}", "buyer:b1", NOW)


def reserved(order):
    for sub in order.sub_orders:
        order.stock_reserved(sub.id, {}, NOW)
    order.await_payment(NOW + timedelta(minutes=30), NOW)
    order.pull_events()
    return order


def test_every_status_change_goes_through_the_transition_table():
    targets = set(TRANSITIONS.values())
    assert {"awaiting_shipment", "cancelled", "partially_shipped", "shipped", "completed", "closed"} == targets


@pytest.mark.parametrize("status", ["cancelled", "partially_shipped", "shipped", "completed", "closed"])
def test_cancel_is_refused_after_shipment_or_when_final(status):
    order = Order(id="o1", buyer_id="b1", channel="app", currency="CNY", receiver=RECEIVER, created_at=NOW,
                  sub_orders=[], status=status)
    with pytest.raises(IllegalTransition, match=f"cannot cancel an order that is {status}"):
        order.cancel("late", "buyer:b1", NOW)


def test_paying_before_the_saga_asks_for_payment_is_refused():
    with pytest.raises(IllegalTransition, match="reserving, not awaiting_payment"):
        new_order().pay(NOW)


def test_a_repeated_reservation_reply_changes_nothing():
    order = reserved(new_order())
    order.stock_reserved(order.sub_orders[0].id, {}, NOW)
    assert order.pull_events() == [] and order.step == "awaiting_payment"


def test_a_late_reservation_for_a_cancelled_order_is_released():
    order = new_order()
    first, second = order.sub_orders
    order.stock_rejected(second.id, "B", NOW)
    order.pull_events()
    first.reservation = Reservation.PENDING  # its reply comes after the cancellation
    order.stock_reserved(first.id, {}, NOW)
    assert order.pull_events() == [ev.StockReleaseRequested(first.id, "out of stock: B")]


def test_virtual_only_sub_orders_need_no_stock():
    order = new_order(CartLine("COURSE", "m1", 1, 9900, kind="virtual"), CartLine("BOOK", "m2", 1, 100))
    course, book = order.sub_orders
    assert course.reservation == "reserved" and book.reservation == "pending"
    assert ev.StockReservationRequested(course.id) not in order.pull_events()


def test_cancel_after_payment_requests_a_full_refund_and_releases_stock():
    order = reserved(new_order())
    order.pay(NOW)
    order.pull_events()
    order.cancel("changed mind", "buyer:b1", NOW)
    events = order.pull_events()
    assert [type(e) for e in events].count(ev.StockReleaseRequested) == 2
    [refund] = [e for e in events if isinstance(e, ev.RefundRequested)]
    assert refund.amount == 1500
    assert order.history[-1].to_status == "cancelled" or order.history[-2].to_status == "cancelled"


def test_history_records_who_and_why():
    order = reserved(new_order())
    order.cancel("found it cheaper", "staff:s1", NOW)
    entry = next(h for h in order.history if h.event == "cancel")
    assert (entry.from_status, entry.to_status, entry.actor, entry.reason) == (
        "pending_payment", "cancelled", "staff:s1", "found it cheaper")


def test_the_deadline_waits_for_the_payment_to_close_before_cancelling():
    order = reserved(new_order())
    order.payment_deadline_passed(NOW)
    assert (order.status, order.step) == ("pending_payment", "closing_payment")
    assert order.pull_events() == [ev.PaymentCloseRequested("payment deadline passed")]
    order.payment_closed("payment deadline passed", NOW)
    assert (order.status, order.step, order.cancel_reason) == ("cancelled", "cancelled", "payment deadline passed")
    events = order.pull_events()
    assert [type(e) for e in events].count(ev.StockReleaseRequested) == 2
    assert not any(isinstance(e, (ev.PaymentCloseRequested, ev.RefundRequested)) for e in events)


def test_a_payment_found_while_closing_pays_the_order_instead_of_cancelling_it():
    order = reserved(new_order())
    order.payment_deadline_passed(NOW)
    order.pull_events()
    order.pay(NOW)
    assert (order.status, order.payment_status, order.step) == ("awaiting_shipment", "paid", "handed_over")
    assert order.pull_events() == [ev.OrderWasPaid()]
    order.payment_closed("payment deadline passed", NOW)  # a close after the success changes nothing
    assert (order.status, order.pull_events()) == ("awaiting_shipment", [])


def test_a_success_after_the_close_cancelled_the_order_is_refunded():
    order = reserved(new_order())
    order.payment_deadline_passed(NOW)
    order.payment_closed("payment deadline passed", NOW)
    order.pull_events()
    order.pay(NOW)
    assert order.status == "cancelled" and order.payment_status == "paid"
    [refund] = order.pull_events()
    assert isinstance(refund, ev.RefundRequested) and refund.amount == 1500


def test_a_close_confirming_a_buyer_cancellation_changes_nothing():
    order = reserved(new_order())
    order.cancel("changed mind", "buyer:b1", NOW)
    order.pull_events()
    order.payment_closed("changed mind", NOW)
    assert order.pull_events() == [] and order.cancel_reason == "changed mind"


def test_the_buyer_may_cancel_while_the_payment_is_closing():
    order = reserved(new_order())
    order.payment_deadline_passed(NOW)
    order.pull_events()
    order.cancel("changed mind", "buyer:b1", NOW)
    assert order.status == "cancelled"
    assert not any(isinstance(e, ev.PaymentCloseRequested) for e in order.pull_events())  # one close is on its way
