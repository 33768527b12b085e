"""Cancelling a paid order (the aggregate): it asks fulfillment, and follows the answer — cancelled,
partially cancelled or refused — with refunds and stock releases worked out by hand.

The order: line A (merchant m1) 3 × 400 with a 200 coupon on it → paid 1000; line B (merchant m2)
1 × 500 → paid 500; 1500 in all."""

from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.cancellation import GoingOnUnits
from tradeflow_order.domain.errors import CancellationInProgress, IllegalTransition, NotCancellableSigned
from tradeflow_order.domain.model import AppliedCoupon, PricedBy, Receiver, StoppedUnits, Terms
from tradeflow_order.domain.placement import Cart, CartLine, place
from tradeflow_order.domain.pricing import Discount
from tradeflow_order.domain.tracking import ShippedLine

from .paying import paid_order

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
TERMS = Terms(priced_by=PricedBy.STAFF, coupons=(AppliedCoupon("WELCOME", 200),))


def paid(*lines: CartLine, discounts=(Discount("coupon", 200, frozenset({"A"})),)):
    cart = Cart("b1", "app", "CNY", Receiver("n", "13800000000", "east", "c", "a"),
                list(lines) or [CartLine("A", "m1", 3, 400), CartLine("B", "m2", 1, 500)], 0, list(discounts), TERMS)
    return paid_order(cart, NOW)


def asked(order, reason: str = "changed my mind"):
    order.cancel_as_asked(reason, "buyer:b1", NOW)
    order.pull_events()
    return order


def going(line, quantity: int, shipment: str = "sh-2", problem: str = "intercept-failed") -> GoingOnUnits:
    return GoingOnUnits(line.id, quantity, shipment, problem, "the warehouse had packed it")


def of_type(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_a_paid_order_asks_fulfillment_and_waits_with_its_status_unchanged():
    order = paid()
    order.cancel_as_asked("changed my mind", "buyer:b1", NOW)
    assert (order.status, order.step) == ("awaiting_shipment", "cancelling")
    assert (order.cancellation.state, order.cancellation.reason, order.cancellation.requested_by) == (
        "requested", "changed my mind", "buyer:b1")
    assert order.pull_events() == [ev.FulfillmentStopRequested("changed my mind", "buyer:b1", NOW)]
    entry = order.history[-1]
    assert (entry.event, entry.from_status, entry.to_status, entry.actor, entry.reason) == (
        "cancel_requested", "awaiting_shipment", "awaiting_shipment", "buyer:b1", "changed my mind")
    with pytest.raises(CancellationInProgress):
        order.cancel_as_asked("again", "staff:s1", NOW)


def test_an_unpaid_order_is_still_cancelled_at_once():
    unpaid = place(Cart("b1", "app", "CNY", Receiver("n", "13800000000", "east", "c", "a"),
                        [CartLine("A", "m1", 1, 100)], 0, []), lambda prefix: f"{prefix}-x", "buyer:b1", NOW)
    unpaid.cancel_as_asked("changed my mind", "buyer:b1", NOW)
    assert (unpaid.status, unpaid.step, unpaid.cancellation) == ("cancelled", "cancelled", None)


def test_every_unit_signed_for_is_refused_towards_after_sales_unless_something_virtual_is_left():
    order = paid()
    a, b = order.lines
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 3), ShippedLine(b.id, 1)], NOW)
    order.shipment_changed("sh-1", "signed", "signed", NOW, NOW)
    with pytest.raises(NotCancellableSigned, match="after-sales"):
        order.cancel_as_asked("too late", "buyer:b1", NOW)
    assert order.step == "handed_over" and order.cancellation is None
    mixed = paid(CartLine("BOOK", "m1", 1, 900), CartLine("COURSE", "m1", 1, 9900, kind="virtual"), discounts=())
    book, _ = mixed.lines
    mixed.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(book.id, 1)], NOW)
    mixed.shipment_changed("sh-1", "signed", "signed", NOW, NOW)
    asked(mixed)  # the course can still be revoked
    assert mixed.step == "cancelling"


def test_a_completed_order_cannot_be_cancelled():
    order = paid(CartLine("COURSE", "m1", 1, 9900, kind="virtual"), discounts=())
    order.entitlement_granted(order.lines[0].id, "ent-1", NOW)
    with pytest.raises(IllegalTransition, match="cannot cancel an order that is completed"):
        order.cancel_as_asked("late", "buyer:b1", NOW)


def test_everything_stopped_cancels_refunds_exactly_what_was_paid_and_releases_stock_and_benefits():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(a.id, StoppedUnits(3, "sh-1", "WH-1")), (b.id, StoppedUnits(1))], [], NOW)
    assert (order.status, order.step, order.cancel_reason) == ("cancelled", "cancelled", "changed my mind")
    assert order.cancellation.state == "cancelled" and order.cancellation.decided_at == NOW
    events = order.pull_events()
    assert [(e.sub_order_id, e.units) for e in of_type(events, ev.StockReleaseRequested)] == [
        (s.id, ()) for s in order.sub_orders]
    [refund] = of_type(events, ev.RefundRequested)
    assert refund.amount == 1500 and order.refunds[0].lines == {a.id: 1000, b.id: 500}
    assert of_type(events, ev.OrderWasCancelled) == [ev.OrderWasCancelled("changed my mind", 1500)]
    assert of_type(events, ev.BenefitsReleased) == [ev.BenefitsReleased(NOW)]
    assert [(ln.cancelled_quantity, ln.remaining_quantity) for ln in order.lines] == [(3, 0), (1, 0)]
    cancel = next(h for h in order.history if h.event == "cancel")
    assert (cancel.from_status, cancel.actor) == ("awaiting_shipment", "buyer:b1")
    order.refunded(1500, NOW, refund.refund_id, 1500)
    assert [ln.refunded_amount for ln in order.lines] == [1000, 500] and order.payment_status == "refunded"


def test_part_stopped_refunds_the_stopped_units_share_and_releases_exactly_them():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1")), (b.id, StoppedUnits(1, "sh-3", "WH-2"))],
                              [going(a, 2)], NOW)
    assert (order.status, order.step, order.cancel_reason) == ("awaiting_shipment", "handed_over", None)
    assert order.cancellation.state == "partially_cancelled"
    assert order.cancellation.going_on == (going(a, 2),)
    assert [ln.cancelled_quantity for ln in order.lines] == [1, 1]
    assert [s.status for s in order.sub_orders] == ["awaiting_shipment", "cancelled"]
    events = order.pull_events()
    m1, m2 = order.sub_orders
    assert [(e.sub_order_id, e.units) for e in of_type(events, ev.StockReleaseRequested)] == [
        (m1.id, (ev.UnitsToRelease(a.id, "WH-1", 1),)), (m2.id, ())]  # m2: nothing of it goes on
    [refund] = of_type(events, ev.RefundRequested)
    assert (refund.amount, order.refunds[0].lines) == (833, {a.id: 333, b.id: 500})  # 1000 × 1 ÷ 3, floored
    assert not of_type(events, ev.BenefitsReleased) and not of_type(events, ev.OrderWasCancelled)
    assert [h.event for h in order.history][-2:] == ["partially_cancelled", "refund_requested"]
    order.refunded(833, NOW, refund.refund_id, 833)
    assert [ln.refunded_amount for ln in order.lines] == [333, 500] and order.payment_status == "partially_refunded"


def test_stopping_a_line_in_two_steps_refunds_333_then_667_and_ends_cancelled():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1"))], [going(a, 2), going(b, 1, "sh-3")], NOW)
    [first] = of_type(order.pull_events(), ev.RefundRequested)
    assert first.amount == 333
    order.refunded(333, NOW, first.refund_id, 333)
    asked(order, "still want out")
    # fulfillment names every unit stopped so far: sh-1 again, now counted once
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1")),
                               (a.id, StoppedUnits(2, "sh-2", "WH-1", returning=True)),
                               (b.id, StoppedUnits(1, "sh-3", "WH-2"))], [], NOW)
    assert (order.status, order.cancellation.state, order.cancel_reason) == (
        "cancelled", "cancelled", "still want out")
    events = order.pull_events()
    [second] = of_type(events, ev.RefundRequested)
    assert (second.amount, order.refunds[1].lines) == (1167, {a.id: 667, b.id: 500})
    assert [e.units for e in of_type(events, ev.StockReleaseRequested)] == [(), ()]
    order.refunded(1500, NOW, second.refund_id, 1167)
    assert [ln.refunded_amount for ln in order.lines] == [1000, 500] and order.refunded_amount == 1500
    assert [ln.cancelled_quantity for ln in order.lines] == [3, 1]


def test_nothing_stopped_is_refused_with_the_reasons_and_may_be_asked_again():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([], [going(a, 3), going(b, 1, "sh-3", "intercept-timeout")], NOW)
    assert (order.status, order.step, order.cancellation.state) == ("awaiting_shipment", "handed_over", "refused")
    assert order.pull_events() == [] and order.refunds == ()
    entry = order.history[-1]
    assert (entry.event, entry.actor) == ("cancel_refused", "fulfillment")
    assert "A × 3 (intercept-failed" in entry.reason and "B × 1 (intercept-timeout" in entry.reason
    asked(order, "please")
    assert (order.step, order.cancellation.state) == ("cancelling", "requested")


def test_a_repeated_answer_changes_nothing():
    order = asked(paid())
    a, _ = order.lines
    answer = ([(a.id, StoppedUnits(1, "sh-1", "WH-1"))], [going(a, 2)])
    order.fulfillment_stopped(*answer, NOW)
    order.pull_events()
    history = len(order.history)
    order.fulfillment_stopped(*answer, NOW)
    assert (order.pull_events(), len(order.history), order.lines[0].cancelled_quantity) == ([], history, 1)


def test_a_parcel_coming_back_is_refunded_but_its_stock_is_left_to_the_restock():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1", returning=True))],
                              [going(a, 2), going(b, 1, "sh-3")], NOW)
    events = order.pull_events()
    assert of_type(events, ev.StockReleaseRequested) == [] and of_type(events, ev.RefundRequested)[0].amount == 333


def test_delivery_follows_what_is_left_after_a_partial_cancellation():
    order = paid()
    a, b = order.lines
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(a.id, 1)], NOW)
    order.shipment_planned("sh-2", "WH-1", "SF", "ready", [ShippedLine(a.id, 2)], NOW)
    order.shipment_planned("sh-3", "WH-2", "SF", "ready", [ShippedLine(b.id, 1)], NOW)
    order.shipment_changed("sh-1", "shipped", "shipped", NOW, NOW)
    assert order.status == "partially_shipped"
    asked(order)
    order.shipment_changed("sh-1", "in_transit", "in_transit", NOW + timedelta(minutes=1), NOW)  # tracked meanwhile
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1", returning=True)),
                               (b.id, StoppedUnits(1, "sh-3", "WH-2"))], [going(a, 2, "sh-2")], NOW)
    assert order.status == "partially_shipped"  # the parcel coming back counts no more
    order.shipment_changed("sh-2", "shipped", "shipped", NOW + timedelta(minutes=2), NOW)
    assert order.status == "shipped" and [s.status for s in order.sub_orders] == ["shipped", "cancelled"]
    order.shipment_changed("sh-2", "signed", "signed", NOW + timedelta(minutes=3), NOW)
    order.arm_auto_confirm(NOW + timedelta(days=7))
    assert order.auto_confirm_at == NOW + timedelta(days=7)
    order.confirm_receipt("buyer:b1", NOW)
    assert order.status == "completed" and [s.status for s in order.sub_orders] == ["completed", "cancelled"]


def test_a_revoked_course_no_longer_holds_the_order_back():
    order = paid(CartLine("BOOK", "m1", 1, 900), CartLine("COURSE", "m1", 1, 9900, kind="virtual"), discounts=())
    book, course = order.lines
    order.shipment_planned("sh-1", "WH-1", "SF", "ready", [ShippedLine(book.id, 1)], NOW)
    asked(order)
    order.fulfillment_stopped([(course.id, StoppedUnits(1, entitlement_id="ent-1"))],
                              [going(book, 1, "sh-1")], NOW)
    assert [e.amount for e in of_type(order.pull_events(), ev.RefundRequested)] == [9900]
    order.shipment_changed("sh-1", "signed", "signed", NOW, NOW)
    order.confirm_receipt("buyer:b1", NOW)  # the course is not waited for
    assert order.status == "completed"


def test_money_staff_refund_meanwhile_goes_where_no_asked_refund_is_on_its_way():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(b.id, StoppedUnits(1, "sh-3", "WH-2"))], [going(a, 3)], NOW)
    [refund] = of_type(order.pull_events(), ev.RefundRequested)
    assert refund.amount == 500
    order.refunded(100, NOW, "rfd_staff", 100)  # staff, through the payment API: all of it on A
    assert [ln.refunded_amount for ln in order.lines] == [100, 0]
    order.refunded(600, NOW, refund.refund_id, 500)
    assert [ln.refunded_amount for ln in order.lines] == [100, 500]
    order.refunded(600, NOW, refund.refund_id, 500)  # a repeat
    assert [ln.refunded_amount for ln in order.lines] == [100, 500]
    assert [h.event for h in order.history].count("refunded") == 2


def test_a_failed_refund_frees_what_it_was_for():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(b.id, StoppedUnits(1, "sh-3", "WH-2"))], [going(a, 3)], NOW)
    [refund] = of_type(order.pull_events(), ev.RefundRequested)
    order.refund_failed("PSP refused", NOW, refund.refund_id)
    order.refunded(1500, NOW, "rfd_staff", 1500)  # staff refund everything instead
    assert [ln.refunded_amount for ln in order.lines] == [1000, 500]
    assert (order.status, order.payment_status) == ("closed", "refunded")


def test_units_a_former_answer_stopped_are_counted_once_when_named_again():
    order = asked(paid())
    a, b = order.lines
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1"))], [going(a, 2), going(b, 1, "sh-3")], NOW)
    order.pull_events()
    asked(order, "still want out")
    order.fulfillment_stopped([(a.id, StoppedUnits(1, "sh-1", "WH-1")), (b.id, StoppedUnits(1, "sh-3", "WH-2"))],
                              [going(a, 2)], NOW)
    assert [ln.cancelled_quantity for ln in order.lines] == [1, 1]
    events = order.pull_events()
    assert [(e.amount, order.refunds[-1].lines) for e in of_type(events, ev.RefundRequested)] == [(500, {b.id: 500})]
    assert [e.sub_order_id for e in of_type(events, ev.StockReleaseRequested)] == [order.sub_orders[1].id]
