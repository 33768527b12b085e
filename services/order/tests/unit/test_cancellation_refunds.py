"""Refunds stay attributed to lines exactly through any mix of partial cancellations and other
refunds (hypothesis): no line ever gets back more than it paid, the lines always sum to what was
refunded, and a line whose every unit was stopped gets back exactly what it paid."""

import itertools
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.cancellation import AFTER_PAYMENT, GoingOnUnits
from tradeflow_order.domain.model import StoppedUnits

from .paying import paid_order
from .test_pricing_reconciles import carts

NOW = datetime(2026, 12, 6, tzinfo=UTC)


class Payment:
    """The payment service as the order sees it: refunds asked are made later, in any order, or
    fail when no longer covered (staff refunded before the ask reached payment)."""

    def __init__(self, order) -> None:
        self.order, self.total, self.pending, self.staff, self.failed = order, 0, [], itertools.count(), 0

    def take_asked(self) -> None:
        self.pending += [e for e in self.order.pull_events() if isinstance(e, ev.RefundRequested)]

    def refundable(self, *, asks_seen: bool = True) -> int:
        return self.order.paid_amount - self.total - (sum(r.amount for r in self.pending) if asks_seen else 0)

    def make(self, refund_id: str, amount: int) -> None:
        self.total += amount
        self.order.refunded(self.total, NOW, refund_id, amount)

    def settle(self, index: int) -> None:
        refund = self.pending.pop(index)
        if refund.amount > self.refundable(asks_seen=False):
            self.failed += 1
            self.order.refund_failed("exceeds what is refundable", NOW, refund.refund_id)
        else:
            self.make(refund.refund_id, refund.amount)


def paid(cart):
    return paid_order(cart, NOW)


def stop_some(order, data, parcels) -> None:
    """The buyer cancels; fulfillment stops some units of one line, the rest goes on."""
    line = data.draw(st.sampled_from([ln for ln in order.lines if ln.remaining_quantity]))
    units = data.draw(st.integers(1, line.remaining_quantity))
    order.cancel_as_asked("changed my mind", "buyer:b1", NOW)
    going_on = [GoingOnUnits(ln.id, left, "sh-late", "intercept-failed", "packed") for ln in order.lines
                if (left := ln.remaining_quantity - (units if ln is line else 0)) > 0]
    already = [(ln.id, stop) for ln in order.lines for stop in ln.stops]  # named again, counted once
    order.fulfillment_stopped([*already, (line.id, StoppedUnits(units, f"sh-{next(parcels)}", "WH-1"))], going_on, NOW)


def assert_attributed_exactly(order, payment: Payment) -> None:
    lines = order.lines
    assert all(0 <= ln.refunded_amount <= ln.paid_amount for ln in lines)
    assert sum(ln.refunded_amount for ln in lines) == min(payment.total, order.paid_amount)
    assert sum(s.paid_amount for s in order.sub_orders) == order.paid_amount


@settings(max_examples=300, deadline=None)
@given(carts(), st.data())
def test_partial_cancellations_and_other_refunds_never_refund_a_line_beyond_what_it_paid(cart, data):
    order, parcels = paid(cart), itertools.count()
    payment = Payment(order)
    for step in data.draw(st.lists(st.sampled_from(["stop", "staff", "staff_early", "settle"]), max_size=12)):
        seen = step != "staff_early"  # early: the asks on their way have not reached payment yet
        if step == "stop" and order.status in AFTER_PAYMENT:
            stop_some(order, data, parcels)
            payment.take_asked()
        elif step.startswith("staff") and (room := payment.refundable(asks_seen=seen)) > 0:
            payment.make(f"rfd_staff_{next(payment.staff)}", data.draw(st.integers(1, room)))
        elif step == "settle" and payment.pending:
            payment.settle(data.draw(st.integers(0, len(payment.pending) - 1)))
        assert_attributed_exactly(order, payment)
    while payment.pending:
        payment.settle(0)
    assert_attributed_exactly(order, payment)
    if payment.failed:  # staff refunded instead: what was paid came back, so far as staff refunded it
        return
    for line in order.lines:
        if line.cancelled_quantity == line.quantity:
            assert line.refunded_amount == line.paid_amount
    if order.status == "cancelled":  # every unit stopped in the end: all that was paid came back
        assert payment.total == order.paid_amount
        assert order.payment_status == ("refunded" if order.paid_amount else "paid")


def test_a_line_of_3_paid_1000_stopped_one_unit_at_a_time_refunds_333_333_334():
    from tradeflow_order.domain.model import Line
    from tradeflow_order.domain.refunds import units_share

    line = Line("ln-1", "A", "m1", 3, 400, discounts={"coupon": 200})
    assert [units_share(line, n, n + 1) for n in range(3)] == [333, 333, 334]
    assert units_share(line, 1, 3) == 667 and units_share(line, 0, 3) == 1000
