"""What a case refunds, computed by hand: the claimed units' share of the line's paid amount, the
last unit taking the remainder; coupons kept, points given back, shipping only before shipment;
staff's override within what is left; goodwill apart."""

from dataclasses import replace

import pytest
from after_sales_builders import NOW, STAFF, T, line, open_case, order, with_cases

from tradeflow_after_sales.domain.errors import InvalidCase, OverrideExceedsRefundable
from tradeflow_after_sales.domain.model import GoodwillKind
from tradeflow_after_sales.domain.order_snapshot import OrderStatus, OrderType

O = OrderStatus  # noqa: E741


def refunds_of(snapshot, *quantities, type=T.REFUND_ONLY):
    """Open one case per quantity on line L1, one after the other; each case's refund."""
    cases = []
    for index, quantity in enumerate(quantities):
        cases.append(open_case(with_cases(snapshot, *cases), type, ("L1", quantity), id=f"AS-{index}"))
    return [case.refund_amount for case in cases]


def test_units_refund_their_share_and_the_last_unit_takes_the_remainder():
    assert refunds_of(order(line(quantity=3, paid=10000)), 1, 1, 1) == [3333, 3333, 3334]


def test_a_line_returned_whole_in_one_case_refunds_exactly_what_it_paid():
    assert refunds_of(order(line(quantity=3, paid=10000)), 3) == [10000]


def test_coupons_are_not_given_back_and_points_are():
    # 2 × 5000 goods, a coupon's 1000 and 600 of points allocated to the line: it paid 8400
    snapshot = order(line(quantity=2, unit_price=5000, paid=8400, points=600))
    case = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 1))
    assert (case.refund_amount, case.points_amount) == (4200, 300)


def test_shipping_goes_back_before_shipment():
    snapshot = order(line(quantity=2, unit_price=5000, shipping=1001), status=O.AWAITING_SHIPMENT)
    assert refunds_of(snapshot, 1, 1) == [5500, 5501]


def test_shipping_is_not_refunded_once_shipped():
    snapshot = order(line(quantity=2, unit_price=5000, shipping=1001), status=O.SHIPPED)
    assert refunds_of(snapshot, 1, 1, type=T.RETURN_AND_REFUND) == [5000, 5000]


def test_a_unit_refunded_after_shipment_gets_its_own_share_of_goods_only():
    line_ = line(quantity=2, unit_price=5000, shipping=1001)
    before = open_case(order(line_, status=O.AWAITING_SHIPMENT), T.REFUND_ONLY, ("L1", 1), id="AS-1")
    after = open_case(with_cases(order(line_, status=O.SHIPPED), before), T.RETURN_AND_REFUND, ("L1", 1), id="AS-2")
    assert (before.refund_amount, after.refund_amount) == (5500, 5000)


def test_units_the_order_stopped_and_refunded_come_first():
    # 3 × 3000 and 1 of shipping; the order's cancellation stopped a unit and refunded 9001 × 1 ÷ 3 = 3000
    snapshot = order(line(quantity=3, unit_price=3000, shipping=1, points=30, stopped=1, stopped_amount=3000))
    case = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 2))
    assert (case.refund_amount, case.points_amount) == (6000, 30)  # every point back: the order kept none


def test_a_case_released_before_another_does_not_let_the_line_refund_more():
    snapshot = order(line(quantity=3, paid=100))
    first = open_case(snapshot, T.REFUND_ONLY, ("L1", 1), id="AS-1")
    second = open_case(with_cases(snapshot, first), T.REFUND_ONLY, ("L1", 2), id="AS-2")
    first.cancel("buyer:b-1", "changed my mind", NOW)
    third = open_case(with_cases(snapshot, first, second), T.REFUND_ONLY, ("L1", 1), id="AS-3")
    assert (first.refund_amount, second.refund_amount, third.refund_amount) == (33, 67, 33)


def test_an_exchange_takes_no_money_and_no_position():
    snapshot = order(line(quantity=3, paid=100))
    exchange = open_case(snapshot, T.EXCHANGE, ("L1", 1), id="AS-1")
    refund = open_case(with_cases(snapshot, exchange), T.RETURN_AND_REFUND, ("L1", 2), id="AS-2")
    assert (exchange.refund_amount, refund.refund_amount) == (0, 66)


def test_staff_override_is_apportioned_over_the_lines_by_their_rule_amounts():
    snapshot = order(line("L1", quantity=1, paid=6000), line("L2", quantity=1, paid=4000))
    case = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 1), ("L2", 1))
    case.override_refund(snapshot, 8000, "damaged in transit: keep 2000", STAFF, NOW)
    assert [ln.refund.amount for ln in case.lines] == [4800, 3200]
    assert (case.refund_amount, case.override.amount, case.override.reason) == (8000, 8000,
                                                                                 "damaged in transit: keep 2000")
    assert case.history[-1].event == "override" and case.history[-1].actor == STAFF


def test_staff_may_refund_up_to_what_the_lines_paid_and_not_more():
    snapshot = order(line(quantity=2, unit_price=5000, shipping=800))  # shipped: rule 5000 a unit
    case = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 1))
    case.override_refund(snapshot, 10800, "our fault: everything back", STAFF, NOW)
    assert case.refund_amount == 10800
    with pytest.raises(OverrideExceedsRefundable) as refused:
        case.override_refund(snapshot, 10801, "more", STAFF, NOW)
    assert (refused.value.slug, refused.value.refundable) == ("override-exceeds-refundable", 10800)


def test_an_override_leaves_the_next_case_only_what_is_left():
    snapshot = order(line(quantity=2, paid=10000))
    first = open_case(snapshot, T.RETURN_AND_REFUND, ("L1", 1), id="AS-1")
    first.override_refund(snapshot, 8000, "courier damage", STAFF, NOW)
    second = open_case(with_cases(snapshot, first), T.RETURN_AND_REFUND, ("L1", 1), id="AS-2")
    assert second.refund_amount == 2000
    with pytest.raises(OverrideExceedsRefundable):
        second.override_refund(with_cases(snapshot, first, second), 2001, "more", STAFF, NOW)


def test_an_override_needs_a_reason_and_a_non_negative_amount():
    snapshot = order()
    case = open_case(snapshot, T.RETURN_AND_REFUND)
    with pytest.raises(InvalidCase):
        case.override_refund(snapshot, 100, "  ", STAFF, NOW)
    with pytest.raises(InvalidCase):
        case.override_refund(snapshot, -1, "why not", STAFF, NOW)
    assert case.override is None and case.refund_amount == 5000


def test_goodwill_is_recorded_apart_from_the_refund():
    case = open_case(order(), T.RETURN_AND_REFUND)
    case.grant_goodwill(GoodwillKind.SHIPPING_SUBSIDY, 1200, "return postage", STAFF, NOW)
    case.grant_goodwill(GoodwillKind.COUPON, 2000, "sorry for the wait", STAFF, NOW, coupon_code="SORRY20")
    assert case.refund_amount == 5000
    assert [(g.kind, g.amount, g.coupon_code) for g in case.goodwill] == [
        (GoodwillKind.SHIPPING_SUBSIDY, 1200, None), (GoodwillKind.COUPON, 2000, "SORRY20")]
    with pytest.raises(InvalidCase):
        case.grant_goodwill(GoodwillKind.COUPON, 0, "nothing", STAFF, NOW)


def test_a_channel_order_refunds_nothing_here_and_records_the_channels_refund():
    snapshot = order(replace(line(paid=0), channel_paid_amount=19800), type=OrderType.CHANNEL)
    case = open_case(snapshot, T.REFUND_ONLY, channel_refund_amount=9900)
    assert (case.refund_amount, case.channel_refund_amount) == (0, 9900)
    with pytest.raises(InvalidCase):
        open_case(order(), T.REFUND_ONLY, channel_refund_amount=9900)
