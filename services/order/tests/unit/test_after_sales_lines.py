"""The order's side of after-sales (domain/after_sales.py): a case's units stopped before shipment
(CancelLines), exactly a case's shares refunded (RefundLines), the cases the order shows, and
replies about a case's own goods left alone.

The order: SKU-A (m1) 3 × 400 and SKU-B (m2) 1 × 500, shipping 0, 90 points spent on SKU-A and
a 100 coupon on SKU-B: SKU-A paid 1110, SKU-B 400."""

from datetime import UTC, datetime

import pytest

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.after_sales import CaseSeen
from tradeflow_order.domain.cancellation import GoingOnUnits
from tradeflow_order.domain.errors import CancellationInProgress
from tradeflow_order.domain.model import StoppedUnits
from tradeflow_order.domain.placement import Cart, CartLine, Discount, place
from tradeflow_order.domain.refunds import RefundState
from tradeflow_order.domain.tracking import ShippedLine

from .paying import paid_order
from .saga_world import RECEIVER

NOW = datetime(2026, 12, 6, tzinfo=UTC)
CART = Cart("b1", "app", "CNY", RECEIVER, [CartLine("SKU-A", "m1", 3, 400), CartLine("SKU-B", "m2", 1, 500)], 0,
            [Discount("points", 90, frozenset({"SKU-A"})), Discount("coupon", 100, frozenset({"SKU-B"}))])


@pytest.fixture
def order():
    return paid_order(CART, NOW)


def a_and_b(order):
    return order.lines[0], order.lines[1]


def events(order, kind):
    return [e for e in order.pull_events() if isinstance(e, kind)]


def test_the_order_is_what_the_docstring_says(order):
    a, b = a_and_b(order)
    assert (a.paid_amount, a.discounts, b.paid_amount, b.discounts) == (1110, {"points": 90}, 400, {"coupon": 100})


def test_a_case_stops_just_its_units_and_the_order_refunds_exactly_them(order):
    a, b = a_and_b(order)
    order.cancel_lines("case-1", {a.id: 1}, "damaged box", "buyer:b1", NOW)
    [stop] = events(order, ev.FulfillmentStopRequested)
    assert (stop.lines, order.step, order.cancellation) == (((a.id, 1),), "cancelling", None)
    with pytest.raises(CancellationInProgress):  # the buyer's own cancel waits for the case's
        order.cancel_as_asked("changed my mind", "buyer:b1", NOW)
    order.cancel_lines("case-2", {b.id: 1}, "late", "buyer:b1", NOW)
    [refused] = events(order, ev.CaseCancelRefused)
    assert refused.reason.startswith("cancellation-in-progress: another after-sales case's")

    going = [GoingOnUnits(b.id, 1, "sh-9", "intercept-failed", "packed")]  # not the case's: not its answer
    order.fulfillment_stopped([(a.id, StoppedUnits(1, None, "WH-1"))], going, NOW)
    assert (order.step, order.status, a.cancelled_quantity, a.cancelled_amount) == (
        "handed_over", "awaiting_shipment", 1, 370)
    [refund] = order.refunds
    assert (refund.id, refund.lines, refund.case_id) == (f"{order.id}-cancel-case-1", {a.id: 370}, "case-1")
    case = order.after_sales.cancels[0]
    assert (case.stopped, case.going_on, case.refund_id) == ({a.id: (1, 370)}, (), refund.id)
    produced = order.pull_events()
    [release] = [e for e in produced if isinstance(e, ev.StockReleaseRequested)]
    assert [(u.line_id, u.warehouse, u.quantity) for u in release.units] == [(a.id, "WH-1", 1)]
    assert [type(e) for e in produced if not isinstance(e, ev.StockReleaseRequested)] == [
        ev.RefundRequested, ev.CaseCancelAnswered]
    assert order.cancellation is None  # the buyer did not cancel

    order.cancel_lines("case-1", {a.id: 1}, "damaged box", "buyer:b1", NOW)  # a repeat is answered again
    assert [type(e) for e in order.pull_events()] == [ev.CaseCancelAnswered]
    assert refund.points == {a.id: 30}  # the stopped unit's points (90 × 1 ÷ 3) come back with its money
    order.refunded(370, NOW, refund.id, 370)
    points, answered = order.pull_events()
    assert (type(points), points.amount, type(answered)) == (ev.PointsGivenBack, 30, ev.CaseRefundAnswered)
    assert (a.refunded_amount, order.payment_status) == (370, "partially_refunded")


def test_a_second_case_on_the_same_line_counts_fulfillments_cumulative_answer_once(order):
    a, _ = a_and_b(order)
    for n, case in enumerate(["case-1", "case-2"], start=1):
        order.cancel_lines(case, {a.id: 1}, "two too many", "buyer:b1", NOW)
        [stop] = events(order, ev.FulfillmentStopRequested)
        assert stop.lines == ((a.id, n),)  # the units to be stopped in all
        order.fulfillment_stopped([(a.id, StoppedUnits(n))], [], NOW)  # never planned: one part, cumulative
        assert a.cancelled_quantity == n
    assert [(r.lines[a.id], r.points[a.id]) for r in order.refunds] == [(370, 30), (370, 30)]
    assert order.status == "awaiting_shipment"


def test_a_case_stopping_every_unit_left_cancels_the_order_as_its_own_cancellation_would(order):
    a, b = a_and_b(order)
    order.cancel_lines("case-1", {a.id: 3, b.id: 1}, "all of it", "buyer:b1", NOW)
    order.pull_events()
    order.fulfillment_stopped([(a.id, StoppedUnits(3)), (b.id, StoppedUnits(1))], [], NOW)
    assert (order.status, order.step, a.cancelled_amount, b.cancelled_amount) == ("cancelled", "cancelled", 1110, 400)
    produced = order.pull_events()
    assert [r.id for r in order.refunds] == [f"{order.id}-cancel-case-1"]  # nothing else left to refund
    assert any(isinstance(e, ev.OrderWasCancelled) for e in produced)
    assert sorted(e.sub_order_id for e in produced if isinstance(e, ev.StockReleaseRequested)) == sorted(
        s.id for s in order.sub_orders)


def test_going_on_units_are_answered_and_nothing_stopped_refunds_nothing(order):
    a, _ = a_and_b(order)
    order.cancel_lines("case-1", {a.id: 2}, "too many", "buyer:b1", NOW)
    order.fulfillment_stopped([], [GoingOnUnits(a.id, 3, "sh-1", "intercept-failed", "on the truck")], NOW)
    case = order.after_sales.cancels[0]
    assert (case.stopped, case.refund_id, [g.problem for g in case.going_on]) == ({}, None, ["intercept-failed"])
    assert (order.refunds, order.step) == ((), "handed_over")


def shipped(order) -> None:
    order.shipment_planned("sh-1", "WH-1", "SF", "planned", [ShippedLine(ln.id, ln.quantity) for ln in order.lines],
                           NOW)
    order.shipment_changed("sh-1", "shipped", "shipped", NOW, NOW)


def cancelling(order) -> None:
    order.cancel_as_asked("changed my mind", "buyer:b1", NOW)


def cancelled(order) -> None:
    cancelling(order)
    order.fulfillment_stopped([(ln.id, StoppedUnits(ln.quantity)) for ln in order.lines], [], NOW)


@pytest.mark.parametrize("prepare, reason", [(shipped, "not-before-shipment: the order is shipped"),
                                             (cancelling, "cancellation-in-progress: the order's own"),
                                             (cancelled, "not-before-shipment: the order is cancelled")])
def test_a_case_cancel_that_cannot_be_tried_now_is_refused_at_once(order, prepare, reason):
    prepare(order)
    order.pull_events()
    order.cancel_lines("case-1", {order.lines[0].id: 1}, "x", "buyer:b1", NOW)
    [refused] = order.pull_events()
    assert isinstance(refused, ev.CaseCancelRefused) and refused.reason.startswith(reason)
    assert order.after_sales.cancels == []


def test_a_case_cancel_beyond_the_units_left_or_of_an_unpaid_order_is_refused():
    order = paid_order(CART, NOW)
    order.cancel_lines("case-1", {order.lines[1].id: 2}, "x", "buyer:b1", NOW)
    unpaid = place(CART, lambda prefix: f"{prefix}-u", "buyer:b1", NOW)
    unpaid.pull_events()
    unpaid.cancel_lines("case-1", {unpaid.lines[0].id: 1}, "x", "buyer:b1", NOW)
    assert [e.reason.split(":")[0] for o in (order, unpaid) for e in o.pull_events()] == ["too-many-units", "not-paid"]


def test_refund_lines_refunds_exactly_the_shares_and_the_points_once_the_money_is_back(order):
    a, b = a_and_b(order)
    order.refund_lines("case-1", "rf-1", {a.id: (370, 30), b.id: (400, 0)}, "returned", NOW)
    [asked] = order.pull_events()
    assert isinstance(asked, ev.RefundRequested) and (asked.refund_id, asked.amount) == ("rf-1", 770)
    order.refund_lines("case-1", "rf-1", {a.id: (370, 30), b.id: (400, 0)}, "returned", NOW)
    assert order.pull_events() == []  # the same refund on its way: nothing again
    order.refunded(770, NOW, "rf-1", 770)
    produced = order.pull_events()
    assert [(type(e), e.refund_id) for e in produced] == [(ev.PointsGivenBack, "rf-1"), (ev.CaseRefundAnswered, "rf-1")]
    assert produced[0].amount == 30
    assert (a.refunded_amount, b.refunded_amount) == (370, 400)
    order.refund_lines("case-1", "rf-1", {a.id: (370, 30)}, "returned", NOW)  # made: answered again, nothing more
    assert [type(e) for e in order.pull_events()] == [ev.CaseRefundAnswered]
    assert len(order.refunds) == 1


@pytest.mark.parametrize("shares, why", [
    ({"a": (1111, 0)}, "1111 asked back, 1110 of what it paid is left to refund"),
    ({"a": (0, 91)}, "91 points asked back, 90 of its points are left"),
    ({"b": (0, 1)}, "1 points asked back, 0 of its points are left"),
    ({"nope": (1, 0)}, "the order has no line nope"),
])
def test_a_share_beyond_what_the_line_has_left_is_refused_for_good(order, shares, why):
    a, b = a_and_b(order)
    ids = {"a": a.id, "b": b.id, "nope": "nope"}
    order.refund_lines("case-1", "rf-1", {ids[k]: v for k, v in shares.items()}, "returned", NOW)
    [refused] = order.pull_events()
    assert isinstance(refused, ev.CaseRefundRefused) and why in refused.reason
    assert order.refunds == ()


def test_what_a_refund_on_its_way_is_for_cannot_be_asked_again_until_it_fails(order):
    a, _ = a_and_b(order)
    order.refund_lines("case-1", "rf-1", {a.id: (1000, 90)}, "returned", NOW)
    order.refund_lines("case-2", "rf-2", {a.id: (111, 0)}, "returned", NOW)
    assert [type(e) for e in order.pull_events()] == [ev.RefundRequested, ev.CaseRefundRefused]
    order.refund_failed("psp down", NOW, "rf-1")
    [failed] = order.pull_events()
    assert isinstance(failed, ev.CaseRefundAnswered) and failed.reason == "psp down"
    assert order.refunds[0].state is RefundState.FAILED
    order.refund_lines("case-1", "rf-3", {a.id: (1110, 90)}, "returned", NOW)  # its earmark is free again
    assert [type(e) for e in order.pull_events()] == [ev.RefundRequested]


def test_points_only_are_answered_at_once(order):
    a, _ = a_and_b(order)
    order.refund_lines("case-1", "rf-1", {a.id: (0, 90)}, "points", NOW)
    assert [type(e) for e in order.pull_events()] == [ev.PointsGivenBack, ev.CaseRefundAnswered]
    assert order.refunds[0].state is RefundState.REFUNDED and a.refunded_amount == 0


def test_a_full_refund_through_after_sales_closes_the_order_without_giving_coupons_back(order):
    a, b = a_and_b(order)
    order.refund_lines("case-1", "rf-1", {a.id: (1110, 90), b.id: (400, 0)}, "all back", NOW)
    order.pull_events()
    order.refunded(1510, NOW, "rf-1", 1510)
    produced = order.pull_events()
    assert (order.status, order.payment_status) == ("closed", "refunded")
    assert not any(isinstance(e, ev.BenefitsReleased) for e in produced)
    assert any(isinstance(e, ev.PointsGivenBack) for e in produced)


def test_the_order_keeps_its_cases_newest_move_whatever_the_order_they_arrive_in(order):
    later = datetime(2026, 12, 7, tzinfo=UTC)
    order.case_moved(CaseSeen("case-1", "refund_only", "completed", False, later))
    order.case_moved(CaseSeen("case-1", "refund_only", "approved", True, NOW))  # older: changes nothing
    order.case_moved(CaseSeen("case-2", "exchange", "requested", True, NOW))
    order.case_moved(CaseSeen("case-2", "exchange", "requested", True, NOW))  # a repeat
    assert [(c.case_id, c.status) for c in order.after_sales.cases] == [("case-1", "completed"),
                                                                         ("case-2", "requested")]
    assert order.after_sales_in_progress
    order.case_moved(CaseSeen("case-2", "exchange", "completed", False, later))
    assert not order.after_sales_in_progress


def test_a_reservation_of_a_case_is_not_the_orders(order):
    before = [s.reservation for s in order.sub_orders]
    order.stock_reserved("case-1", {}, NOW)
    order.stock_rejected("case-1", "out of stock", NOW)
    order.pre_sale_stock_arrived("case-1", NOW)
    assert [s.reservation for s in order.sub_orders] == before and order.pull_events() == []
    assert order.status == "awaiting_shipment"


def test_units_nothing_was_paid_for_are_answered_refunded_at_once_after_the_case_with_their_points():
    cart = Cart("b1", "channel", "CNY", RECEIVER, [CartLine("SKU-A", "m1", 2, 500)], 0,
                [Discount("promotion", 800, None), Discount("points", 200, None)])
    order = paid_order(cart, NOW)
    [line] = order.lines
    assert (line.paid_amount, line.discounts["points"]) == (0, 200)
    order.cancel_lines("case-1", {line.id: 1}, "one too many", "channel", NOW)
    order.pull_events()
    order.fulfillment_stopped([(line.id, StoppedUnits(1))], [], NOW)
    told = [e for e in order.pull_events() if not isinstance(e, ev.StockReleaseRequested)]
    assert [type(e) for e in told] == [ev.CaseCancelAnswered, ev.PointsGivenBack, ev.CaseRefundAnswered]
    assert (told[1].amount, order.refunds[0].state, order.refunds[0].amount) == (100, RefundState.REFUNDED, 0)
    assert order.status == "awaiting_shipment" and line.cancelled_quantity == 1
