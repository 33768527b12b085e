"""A stop before shipment names the case's refund per line (money and points) so the order refunds
exactly that; the case records exactly what the order reports, line by line."""

from after_sales_builders import NOW, T, line, open_case, order

from tradeflow_after_sales.app.ports import CaseProgress
from tradeflow_after_sales.app.steps import cancel_lines
from tradeflow_after_sales.domain.order_snapshot import OrderStatus


def approved_refund_only():
    snapshot = order(line(quantity=3, paid=10000, shipping=1000, points=300), line("L2", quantity=1, unit_price=999),
                     status=OrderStatus.AWAITING_SHIPMENT)
    case = open_case(snapshot, T.REFUND_ONLY, ("L1", 2), ("L2", 1))
    case.approve("staff:s-1", NOW)
    return case


def test_cancel_lines_carries_the_cases_amount_and_points_for_each_line():
    case = approved_refund_only()
    [command] = cancel_lines(case, CaseProgress(case.id), None)
    assert [(u.line_id, u.quantity, u.amount, u.points_amount) for u in command.lines] == [
        ("L1", 2, 6666, 200), ("L2", 1, 999, 0)]


def test_the_refund_recorded_is_exactly_the_orders_and_the_lines_carry_it():
    case = approved_refund_only()
    case.start_refund(NOW)
    case.refund_made(7664, NOW, "R-1", by_line={"L1": 6665, "L2": 999})
    assert case.refunded_amount == 7664
    assert [ln.refund.amount for ln in case.lines] == [6665, 999]
    assert sum(claim.refund.amount for claim in case.claims()) == 7664
