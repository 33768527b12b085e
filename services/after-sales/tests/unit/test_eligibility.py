"""Who may open which case on what: each refusal is its own error and problem type."""

from datetime import timedelta

import pytest
from after_sales_builders import NOW, STAFF, T, line, open_case, order, with_cases

from tradeflow_after_sales.domain.eligibility import AfterSalesWindows, check_eligibility, claimable
from tradeflow_after_sales.domain.errors import (
    InvalidCase,
    LineNotInOrder,
    OrderNotEligible,
    QuantityExceedsClaimable,
    TypeNotAllowed,
    VirtualGoodsRefundOnly,
    WindowExpired,
)
from tradeflow_after_sales.domain.model import ClaimedLine
from tradeflow_after_sales.domain.order_snapshot import OrderStatus, OrderType

O = OrderStatus  # noqa: E741


def check(snapshot, type, *claimed, now=NOW, windows=AfterSalesWindows()):
    check_eligibility(snapshot, type, [ClaimedLine(line_id, qty) for line_id, qty in claimed or (("L1", 1),)],
                      now, windows)


@pytest.mark.parametrize("status", [O.PENDING_PAYMENT, O.CANCELLED, O.CLOSED])
def test_refuses_an_order_not_paid_or_over(status):
    with pytest.raises(OrderNotEligible) as refused:
        check(order(status=status), T.REFUND_ONLY)
    assert refused.value.slug == "order-not-eligible"


@pytest.mark.parametrize("type", [T.RETURN_AND_REFUND, T.EXCHANGE])
def test_before_shipment_only_a_refund_is_allowed(type):
    check(order(status=O.AWAITING_SHIPMENT), T.REFUND_ONLY)
    with pytest.raises(TypeNotAllowed) as refused:
        check(order(status=O.AWAITING_SHIPMENT), type)
    assert refused.value.slug == "type-not-allowed"


@pytest.mark.parametrize("status", [O.PARTIALLY_SHIPPED, O.SHIPPED, O.COMPLETED])
def test_after_shipment_every_type_is_allowed(status):
    for type in T:
        check(order(status=status), type)


def test_a_completed_order_is_claimable_for_seven_days_from_signing_and_not_a_moment_more():
    signed = NOW - timedelta(days=7)
    snapshot = order(status=O.COMPLETED, signed_at=signed, completed_at=NOW - timedelta(days=1))
    check(snapshot, T.RETURN_AND_REFUND)
    with pytest.raises(WindowExpired) as refused:
        check(snapshot, T.RETURN_AND_REFUND, now=NOW + timedelta(seconds=1))
    assert refused.value.slug == "window-expired"


def test_the_window_is_configured_per_order_type():
    windows = AfterSalesWindows(by_order_type={OrderType.PRE_SALE: timedelta(days=15)})
    pre_sale = order(status=O.COMPLETED, type=OrderType.PRE_SALE, signed_at=NOW - timedelta(days=10))
    check(pre_sale, T.EXCHANGE, windows=windows)
    with pytest.raises(WindowExpired):
        check(order(status=O.COMPLETED, signed_at=NOW - timedelta(days=10)), T.EXCHANGE, windows=windows)


def test_virtual_goods_nothing_signed_count_their_window_from_completion():
    course = order(line(virtual=True), status=O.COMPLETED, type=OrderType.VIRTUAL, completed_at=NOW - timedelta(days=8))
    with pytest.raises(WindowExpired):
        check(course, T.REFUND_ONLY)


@pytest.mark.parametrize("type", [T.RETURN_AND_REFUND, T.EXCHANGE])
def test_virtual_lines_are_refund_only(type):
    course = order(line(virtual=True), status=O.COMPLETED, completed_at=NOW)
    check(course, T.REFUND_ONLY)
    with pytest.raises(VirtualGoodsRefundOnly) as refused:
        check(course, type)
    assert refused.value.slug == "virtual-goods-refund-only"


def test_refuses_a_line_of_another_order():
    with pytest.raises(LineNotInOrder) as refused:
        check(order(), T.REFUND_ONLY, ("L9", 1))
    assert (refused.value.slug, refused.value.line_id) == ("line-not-in-order", "L9")


@pytest.mark.parametrize(("claimed", "field"), [((), "lines"), ((("L1", 1), ("L1", 1)), "lines.1.line_id"),
                                                ((("L1", 0),), "lines.0.quantity")])
def test_refuses_no_lines_a_line_twice_or_no_units(claimed, field):
    with pytest.raises(InvalidCase) as refused:
        check_eligibility(order(), T.REFUND_ONLY, [ClaimedLine(i, q) for i, q in claimed], NOW)
    assert refused.value.field == field


def test_refuses_more_units_than_the_line_has():
    with pytest.raises(QuantityExceedsClaimable) as refused:
        check(order(line(quantity=2)), T.REFUND_ONLY, ("L1", 3))
    assert (refused.value.slug, refused.value.asked, refused.value.claimable) == ("quantity-exceeds-claimable", 3, 2)


def test_two_cases_on_one_line_cannot_claim_more_than_its_quantity():
    snapshot = order(line(quantity=3))
    first = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 2))
    with pytest.raises(QuantityExceedsClaimable) as refused:
        check(with_cases(snapshot, first), T.EXCHANGE, ("L1", 2))
    assert refused.value.claimable == 1
    check(with_cases(snapshot, first), T.EXCHANGE, ("L1", 1))


def test_units_come_free_again_when_a_case_ends_without_a_refund():
    snapshot = order(line(quantity=1))
    rejected, cancelled = open_case(snapshot, T.REFUND_ONLY, id="AS-1"), open_case(snapshot, T.REFUND_ONLY, id="AS-2")
    rejected.reject(STAFF, "not covered", NOW)
    cancelled.cancel("buyer:b-1", "found it", NOW)
    assert claimable(with_cases(snapshot, rejected, cancelled), snapshot.line("L1")) == 1


def test_units_refunded_stay_taken_after_the_case_completes():
    snapshot = order(line(quantity=1))
    done = open_case(snapshot, T.REFUND_ONLY)
    for step in (lambda c: c.approve(STAFF, NOW), lambda c: c.start_refund(NOW),
                 lambda c: c.refund_made(c.refund_amount, NOW, "R-1"), lambda c: c.complete(NOW)):
        step(done)
    assert claimable(with_cases(snapshot, done), snapshot.line("L1")) == 0


def test_units_the_order_cancellation_stopped_are_not_claimable():
    snapshot = order(line(quantity=3, stopped=2, stopped_amount=10000))
    with pytest.raises(QuantityExceedsClaimable) as refused:
        check(snapshot, T.REFUND_ONLY, ("L1", 2))
    assert refused.value.claimable == 1
