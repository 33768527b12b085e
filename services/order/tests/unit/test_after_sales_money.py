"""Never more than paid (hypothesis): through any sequence of after-sales refunds (RefundLines,
some beyond what is left, some asked again), after-sales cancels of units (CancelLines, with or
without the case's own amount and points: a stop refunds exactly its share of them), the
buyer's own partial cancellations, staff refunds and the payment service making or failing what
was asked, no line gets back more money than it paid nor more points than were spent on it, the
lines sum to what was refunded of the order, and a refund id is refunded at most once."""

import itertools

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tradeflow_money import units_between
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.after_sales import BEFORE_SHIPMENT, CaseRefund, cancel_refund_id, points_open, units_points
from tradeflow_order.domain.cancellation import AFTER_PAYMENT, GoingOnUnits
from tradeflow_order.domain.model import StoppedUnits
from tradeflow_order.domain.refunds import RefundState, open_to_refund, units_share

from .test_cancellation_refunds import NOW, Payment, assert_attributed_exactly, paid, stop_some
from .test_pricing_reconciles import carts


class Books:
    """What the order asked of the outside: refunds to payment, points to the price book."""

    def __init__(self, order) -> None:
        self.order, self.payment, self.points = order, Payment(order), {}

    def collect(self) -> None:
        for told in self.order.pull_events():
            if isinstance(told, ev.RefundRequested):
                assert told.refund_id not in {r.refund_id for r in self.payment.pending}
                self.payment.pending.append(told)
            elif isinstance(told, ev.PointsGivenBack):
                assert told.refund_id not in self.points, "points given back twice for one refund"
                self.points[told.refund_id] = told.amount


def case_refund(order, data, ids) -> str:
    line = data.draw(st.sampled_from(order.lines))
    amount = data.draw(st.integers(0, open_to_refund(line, list(order.refunds)) + 2))
    points = data.draw(st.integers(0, points_open(line, list(order.refunds)) + 1))
    refund_id = f"rf-{next(ids)}"
    order.refund_lines("case", refund_id, {line.id: (amount, points)}, "returned", NOW)
    return refund_id


def case_cancel(order, data, ids) -> None:
    """With or without the case's own refund for the units (some beyond what the line has open):
    the stop refunds exactly its share of it, within what is open."""
    line = data.draw(st.sampled_from([ln for ln in order.lines if ln.remaining_quantity]))
    units = data.draw(st.integers(1, line.remaining_quantity))
    given = CaseRefund(data.draw(st.none() | st.integers(0, open_to_refund(line, list(order.refunds)) + 2)),
                       data.draw(st.none() | st.integers(0, points_open(line, list(order.refunds)) + 1)))
    case_id = f"case-{next(ids)}"
    order.cancel_lines(case_id, {line.id: units}, "too many", "buyer:b1", NOW, {line.id: given})
    if order.step != "cancelling":
        return
    stopped = data.draw(st.integers(0, units))
    never_planned = sum(s.quantity for s in line.stops if s.part == (None, None))
    going = [GoingOnUnits(line.id, units - stopped, "sh-x", "intercept-failed", "packed")] if units > stopped else []
    money_open, points_left = open_to_refund(line, list(order.refunds)), points_open(line, list(order.refunds))
    before, cancelled_before = line.cancelled_quantity, line.cancelled_amount
    order.fulfillment_stopped([(line.id, StoppedUnits(never_planned + stopped))] if stopped else [], going, NOW)
    if stopped:
        assert_case_stop_exact(order, case_id, line, (before, units, stopped), given, (money_open, points_left))
        if order.status != "cancelled":  # the order's own cancellation of the rest adds to it
            assert line.cancelled_amount - cancelled_before == order.after_sales.cancels[-1].stopped[line.id][1]


def assert_case_stop_exact(order, case_id, line, quantities, given, open_before) -> None:
    before, units, stopped = quantities
    worth = (units_between(given.amount, units, 0, stopped) if given.amount is not None
             else units_share(line, before, before + stopped),
             units_between(given.points, units, 0, stopped) if given.points is not None
             else units_points(line, before, before + stopped))
    expected = tuple(min(w, o) for w, o in zip(worth, open_before, strict=True))
    refund = next(r for r in order.refunds if r.id == cancel_refund_id(order.id, case_id))
    assert (refund.lines.get(line.id, 0), refund.points.get(line.id, 0)) == expected
    event("case stop: exactly the case's amount" if given.amount is not None and expected[0] == given.amount
          and stopped == units else "case stop: other")


def assert_never_more_than_paid(order, books: Books) -> None:
    assert_attributed_exactly(order, books.payment)
    assert books.payment.total <= order.paid_amount
    for line in order.lines:
        made = sum(r.points.get(line.id, 0) for r in order.refunds if r.state is RefundState.REFUNDED)
        assert made <= line.discounts.get("points", 0)
        assert line.cancelled_amount <= line.paid_amount
    assert sum(books.points.values()) <= sum(ln.discounts.get("points", 0) for ln in order.lines)
    assert len({r.id for r in order.refunds}) == len(order.refunds)


@settings(max_examples=300, deadline=None)
@given(carts(), st.data())
def test_no_sequence_of_cases_cancellations_and_refunds_gives_back_more_than_was_paid(cart, data):
    order, ids, parcels = paid(cart), itertools.count(), itertools.count()
    books, asked = Books(order), []
    steps = st.sampled_from(["refund", "again", "case_cancel", "cancel", "staff", "settle", "settle"])
    for step in data.draw(st.lists(steps, max_size=14)):
        before_shipment = order.step == "handed_over" and order.status in BEFORE_SHIPMENT
        if step == "refund":
            refund_id = case_refund(order, data, ids)
            asked += [refund_id] if any(r.id == refund_id for r in order.refunds) else []  # refused: not kept
        elif step == "again" and asked:  # the same refund id again: never a second refund
            count = len(order.refunds)
            order.refund_lines("case", data.draw(st.sampled_from(asked)), {order.lines[0].id: (1, 0)}, "again", NOW)
            assert len(order.refunds) == count
        elif step == "case_cancel" and before_shipment and any(ln.remaining_quantity for ln in order.lines):
            case_cancel(order, data, ids)
        elif step == "cancel" and order.step == "handed_over" and order.status in AFTER_PAYMENT:
            stop_some(order, data, parcels)
        elif step == "staff" and (room := books.payment.refundable()) > 0:
            books.payment.make(f"rfd_staff_{next(ids)}", data.draw(st.integers(1, room)))
        elif step == "settle" and books.payment.pending:
            books.payment.settle(data.draw(st.integers(0, len(books.payment.pending) - 1)))
        event(step)
        books.collect()
        assert_never_more_than_paid(order, books)
    while books.payment.pending:
        books.payment.settle(0)
        books.collect()
    assert_never_more_than_paid(order, books)
    event(f"refunds made: {sum(r.state is RefundState.REFUNDED for r in order.refunds)}")
