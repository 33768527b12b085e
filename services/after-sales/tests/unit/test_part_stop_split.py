"""A part stop splits the case (issue 12): the case keeps the stopped units with exactly the
order's refund for them, the units going on continue in a new return case — linked both ways,
already approved, awaiting the return — and the two never take more than the line paid."""

from datetime import timedelta

from after_sales_builders import NOW, T, line, open_case, order
from hypothesis import given
from hypothesis import strategies as st

from tradeflow_after_sales.domain.order_snapshot import OrderStatus
from tradeflow_after_sales.domain.states import CaseStatus

S = CaseStatus
DEADLINE = NOW + timedelta(days=7)


def approved_case(quantity: int = 3, paid: int | None = None, shipping: int = 0, points: int = 0):
    snapshot = order(line(quantity=quantity, unit_price=1000, paid=paid, shipping=shipping, points=points),
                     status=OrderStatus.AWAITING_SHIPMENT)
    case = open_case(snapshot, T.REFUND_ONLY, ("L1", quantity))
    case.approve("staff:s-1", NOW)
    return case


def test_the_case_keeps_the_stopped_units_at_the_orders_amount_and_the_rest_continue_as_a_return():
    case = approved_case(quantity=3, shipping=600, points=90)  # paid 3600: 3000 goods + 600 shipping
    assert case.refund_amount == 3600
    new = case.split_off("AS-2", {"L1": (1, 1200)}, {"L1": 2}, "parcel already left", DEADLINE, NOW)
    assert [(ln.quantity, ln.refund.amount, ln.refund.points) for ln in case.lines] == [(1, 1200, 30)]
    assert case.continued_by == "AS-2" and case.status is S.APPROVED
    assert case.history[-1].event == "split" and "AS-2" in case.history[-1].reason
    assert (new.id, new.type, new.status, new.split_from, new.return_deadline) == (
        "AS-2", T.RETURN_AND_REFUND, S.AWAITING_RETURN, case.id, DEADLINE)
    # the going-on units' shipping is forfeited: 2000 of goods, 60 points
    assert [(ln.quantity, ln.refund.amount, ln.refund.points) for ln in new.lines] == [(2, 2000, 60)]
    assert new.buyer_id == case.buyer_id and new.history[0].event == "continue"
    case.start_refund(NOW)
    case.refund_made(1200, NOW, "R-1", by_line={"L1": 1200})
    assert case.refunded_amount == 1200


@given(quantity=st.integers(2, 9), paid=st.integers(0, 10**9), shipping=st.integers(0, 10**6),
       points=st.integers(0, 10**6), data=st.data())
def test_the_stopped_part_and_the_return_never_exceed_what_the_line_paid(quantity, paid, shipping, points, data):
    shipping = min(shipping, paid)
    case = approved_case(quantity=quantity, paid=paid, shipping=shipping, points=points)
    stopped = data.draw(st.integers(1, quantity - 1))
    asked = case.lines[0].refund.amount
    amount = data.draw(st.integers(0, asked))  # the order's refund of the stopped units (≤ what was asked)
    new = case.split_off("AS-2", {"L1": (stopped, amount)}, {"L1": quantity - stopped}, "left", DEADLINE, NOW)
    kept, moved = case.lines[0].refund, new.lines[0].refund
    assert kept.amount == amount
    assert kept.amount + moved.amount <= asked <= paid
    assert kept.points + moved.points <= points
    assert case.lines[0].quantity + new.lines[0].quantity == quantity
