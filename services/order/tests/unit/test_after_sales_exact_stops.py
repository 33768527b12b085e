"""A case's stop refunds exactly the case's own refund for its units (CancelLines with `amount`,
`points_amount`): all asked units stopped → exactly it, fewer → their share floored cumulatively,
always within what the line has open; without them the order's share (domain/after_sales.py).

The order (as test_after_sales_lines.py): SKU-A 3 × 400 paid 1110 with 90 points spent on it, SKU-B
1 × 500 paid 400. The order's own share of one SKU-A unit is 370 and 30 points."""

import pytest

from tradeflow_contracts.after_sales import CaseUnits
from tradeflow_order.adapters import order_parts as parts
from tradeflow_order.app.serve_after_sales import case_units
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.after_sales import CaseRefund
from tradeflow_order.domain.cancellation import GoingOnUnits
from tradeflow_order.domain.model import StoppedUnits

from .paying import paid_order
from .test_after_sales_lines import CART, NOW


@pytest.fixture
def order():
    return paid_order(CART, NOW)


def stop(order, case_id: str, asked: int, stopped: int, refund: CaseRefund | None) -> tuple[int, int]:
    """Ask `asked` SKU-A units stopped with the case's `refund`, fulfillment stops `stopped`; the
    (money, points) the order refunds for them."""
    a = order.lines[0]
    order.cancel_lines(case_id, {a.id: asked}, "too many", "buyer:b1", NOW, {a.id: refund} if refund else None)
    going = [GoingOnUnits(a.id, asked - stopped, "sh-1", "intercept-failed", "packed")] if asked > stopped else []
    order.fulfillment_stopped([(a.id, StoppedUnits(a.cancelled_quantity + stopped))], going, NOW)
    case = next(c for c in order.after_sales.cancels if c.case_id == case_id)
    refund_made = next(r for r in order.refunds if r.id == case.refund_id)
    assert case.stopped[a.id] == (stopped, refund_made.lines.get(a.id, 0))  # what LinesCancelled reports
    return refund_made.lines.get(a.id, 0), refund_made.points.get(a.id, 0)


def test_all_asked_units_stopped_refund_exactly_the_cases_amount_and_points(order):
    assert stop(order, "case-1", 2, 2, CaseRefund(741, 61)) == (741, 61)  # the order's share: 740 and 60
    a = order.lines[0]
    assert (a.cancelled_quantity, a.cancelled_amount) == (2, 741)
    [asked] = [e for e in order.pull_events() if isinstance(e, ev.RefundRequested)]
    assert asked.amount == 741


def test_fewer_units_stopped_refund_their_share_of_the_cases_amount_floored(order):
    assert stop(order, "case-1", 3, 2, CaseRefund(1000, 80)) == (666, 53)  # 1000 × 2 ÷ 3, 80 × 2 ÷ 3
    assert order.lines[0].cancelled_amount == 666


def test_the_cases_amount_is_capped_by_what_the_line_has_open(order):
    assert stop(order, "case-1", 1, 1, CaseRefund(5000, 500)) == (1110, 90)
    assert order.lines[0].cancelled_amount == 1110


def test_a_second_case_is_capped_by_what_the_first_left_open(order):
    assert stop(order, "case-1", 2, 2, CaseRefund(1000, 70)) == (1000, 70)
    assert stop(order, "case-2", 1, 1, CaseRefund(371, 31)) == (110, 20)


def test_without_the_cases_amount_the_order_refunds_its_own_share(order):
    assert stop(order, "case-1", 1, 1, None) == (370, 30)
    assert stop(order, "case-2", 1, 1, CaseRefund(None, None)) == (370, 30)


def test_money_and_points_follow_the_case_each_on_its_own(order):
    assert stop(order, "case-1", 1, 1, CaseRefund(371, None)) == (371, 30)
    assert stop(order, "case-2", 1, 1, CaseRefund(None, 29)) == (370, 29)


def test_a_case_refund_survives_being_stored(order):
    a = order.lines[0]
    order.cancel_lines("case-1", {a.id: 1}, "too many", "buyer:b1", NOW, {a.id: CaseRefund(371, None)})
    row = parts.after_sales_row(order.after_sales)
    assert parts.after_sales(type("Row", (), row)).cancels == order.after_sales.cancels


def test_a_line_named_twice_adds_its_units_and_amounts_or_falls_back_to_the_orders_share():
    units, refunds = case_units([CaseUnits(line_id="l1", quantity=1, amount=371, points_amount=30),
                                 CaseUnits(line_id="l1", quantity=2, amount=740, points_amount=None),
                                 CaseUnits(line_id="l2", quantity=1)])
    assert units == {"l1": 3, "l2": 1}
    assert refunds == {"l1": CaseRefund(1111, None), "l2": CaseRefund(None, None)}
