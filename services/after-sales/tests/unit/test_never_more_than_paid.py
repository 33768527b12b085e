"""Never more than paid (hypothesis): through any sequence of cases on any order — partial,
cancelled, rejected, expired, parked, overridden, converted, with goodwill — what the order
refunded and what its cases take never pass what a line paid (so nor what the order paid), nor
its points, nor its units. And a line returned whole, in any number of cases in any order, gives
back exactly what it paid (its shipping share only for units refunded before shipment)."""

from dataclasses import replace
from datetime import timedelta

from after_sales_builders import BUYER, NOW, STAFF, T, with_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.eligibility import claimable
from tradeflow_after_sales.domain.errors import (
    IllegalTransition,
    OverrideExceedsRefundable,
    QuantityExceedsClaimable,
    TypeNotAllowed,
    VirtualGoodsRefundOnly,
)
from tradeflow_after_sales.domain.model import CaseRequest, ClaimedLine, GoodwillKind
from tradeflow_after_sales.domain.order_snapshot import OrderLine, OrderSnapshot, OrderStatus, OrderType
from tradeflow_after_sales.domain.refund import room

O = OrderStatus  # noqa: E741
LATER = NOW + timedelta(days=30)


@st.composite
def order_lines(draw, index: int) -> OrderLine:
    quantity, unit_price = draw(st.integers(1, 5)), draw(st.integers(0, 20000))
    goods, shipping = quantity * unit_price, draw(st.integers(0, 3000))
    discount = draw(st.integers(0, goods))  # coupons and promotions
    points = draw(st.integers(0, goods - discount))
    paid = goods + shipping - discount - points
    stopped = draw(st.integers(0, quantity - 1))  # units the order's cancellation stopped
    return OrderLine(f"L{index}", f"SKU-{index}", quantity, unit_price, paid, shipping, points,
                     virtual=draw(st.booleans()) and index == 0, stopped_quantity=stopped,
                     stopped_amount=paid * stopped // quantity)  # the order's rule for stopped units


@st.composite
def orders(draw) -> OrderSnapshot:
    lines = [draw(order_lines(i)) for i in range(draw(st.integers(1, 3)))]
    status = draw(st.sampled_from([O.AWAITING_SHIPMENT, O.SHIPPED, O.COMPLETED]))
    return OrderSnapshot("O-1", "b-1", status, OrderType.NORMAL, "CNY", tuple(lines), signed_at=NOW)


def units(order: OrderSnapshot, line: OrderLine):
    """Mostly what is claimable of the line, sometimes the whole line."""
    return st.integers(1, max(claimable(order, line), 1)) | st.just(line.quantity)


class World:
    """One order and its cases; every action goes through the snapshot the app would read."""

    def __init__(self, order: OrderSnapshot) -> None:
        self.base, self.cases = order, []

    @property
    def order(self) -> OrderSnapshot:
        return with_cases(self.base, *self.cases)

    def open(self, data) -> None:
        type = data.draw(st.sampled_from(list(T)))
        lines = data.draw(st.lists(st.sampled_from(self.base.lines), min_size=1, max_size=3,
                                   unique_by=lambda ln: ln.id))
        claimed = [ClaimedLine(ln.id, data.draw(units(self.order, ln))) for ln in lines]
        try:
            self.cases.append(AfterSalesCase.open(f"AS-{len(self.cases)}", self.order,
                                                  CaseRequest(type, tuple(claimed), "why", BUYER), NOW))
        except QuantityExceedsClaimable as refused:
            assert refused.asked > refused.claimable
        except (TypeNotAllowed, VirtualGoodsRefundOnly):  # as the order or a virtual line allows
            pass

    def act(self, data) -> None:
        if not self.cases:
            return
        case = data.draw(st.sampled_from(self.cases))
        action = data.draw(st.sampled_from(ACTIONS))
        try:
            action(self, case, data)
        except IllegalTransition:
            pass

    def room(self, case) -> int:
        return sum(room(self.order, self.base.line(ln.line_id), case.id) for ln in case.lines)

    def override(self, case, data) -> None:
        amount = data.draw(st.integers(0, self.room(case) + 10))
        try:
            case.override_refund(self.order, amount, "staff decided", STAFF, NOW)
        except OverrideExceedsRefundable:
            assert amount > self.room(case)

    def ship(self) -> None:
        if self.base.status is O.AWAITING_SHIPMENT:
            self.base = replace(self.base, status=O.SHIPPED)

    def check(self) -> None:
        by_line = {ln.id: [0, 0, ln.stopped_quantity, ln.stopped_amount] for ln in self.base.lines}
        for claim in self.order.claims:
            units = by_line[claim.line_id]
            units[2] += claim.quantity
            if claim.refund:
                units[0] += claim.refund.points
                units[3] += claim.refund.amount
        for ln in self.base.lines:
            points, _, units, money = by_line[ln.id]
            assert money <= ln.paid_amount and points <= ln.points_amount and units <= ln.quantity
        assert sum(v[3] for v in by_line.values()) <= self.base.paid_amount
        for case in self.cases:
            assert case.refunded_amount is None or case.refunded_amount <= case.refund_amount


ACTIONS = [
    lambda w, c, d: c.approve(STAFF, NOW),
    lambda w, c, d: c.reject(STAFF, "no", NOW),
    lambda w, c, d: c.cancel("buyer:b-1", "changed my mind", NOW),
    lambda w, c, d: c.await_return(NOW, NOW),
    lambda w, c, d: c.report_return_parcel("SF", f"WB-{c.id}", "buyer:b-1", NOW),
    lambda w, c, d: c.return_received(NOW),
    lambda w, c, d: c.inspected(d.draw(st.booleans()), NOW),
    lambda w, c, d: c.start_refund(NOW),
    lambda w, c, d: c.refund_partially(w.order, d.draw(st.integers(0, w.room(c))), "worn", STAFF, NOW),
    lambda w, c, d: c.refund_made(c.refund_amount, NOW, f"R-{c.id}"),
    lambda w, c, d: c.ship_replacement(f"SH-{c.id}", NOW),
    lambda w, c, d: c.replacement_delivered(NOW),
    lambda w, c, d: c.complete(NOW),
    lambda w, c, d: c.expire(LATER),
    lambda w, c, d: c.park("step", "keeps failing", NOW),
    lambda w, c, d: c.retry(STAFF, NOW),
    lambda w, c, d: c.force_close(STAFF, "settled", NOW),
    lambda w, c, d: c.convert_to_refund(w.order, "out of stock", STAFF, NOW),
    lambda w, c, d: c.shipment_not_stopped("went on", LATER, NOW),
    *[lambda w, c, d: w.override(c, d)] * 4,  # the money decisions, more often than the rest
    lambda w, c, d: c.grant_goodwill(d.draw(st.sampled_from(list(GoodwillKind))), d.draw(st.integers(1, 99999)),
                                     "sorry", STAFF, NOW),
]


@settings(max_examples=200, deadline=None)
@given(orders(), st.data())
def test_no_sequence_of_cases_refunds_more_than_paid(order, data):
    world = World(order)
    for _ in range(data.draw(st.integers(1, 30))):
        step = data.draw(st.sampled_from(["open", "open", "act", "act", "act", "ship"]))
        if step == "open":
            world.open(data)
        elif step == "act":
            world.act(data)
        else:
            world.ship()
        world.check()


@settings(max_examples=300, deadline=None)
@given(order_lines(0), st.sampled_from([O.AWAITING_SHIPMENT, O.SHIPPED]), st.data())
def test_overrides_and_released_cases_never_let_a_line_refund_more_than_it_paid(line, status, data):
    base = OrderSnapshot("O-1", "b-1", status, OrderType.NORMAL, "CNY", (line,))
    cases = []
    for index in range(data.draw(st.integers(1, 8))):
        order = with_cases(base, *cases)
        if claimable(order, line):
            claimed = (ClaimedLine("L0", data.draw(st.integers(1, claimable(order, line)))),)
            case = AfterSalesCase.open(f"AS-{index}", order, CaseRequest(T.REFUND_ONLY, claimed, "why", BUYER), NOW)
            cases.append(case)
            if data.draw(st.booleans()):
                order = with_cases(base, *cases)
                case.override_refund(order, data.draw(st.integers(0, room(order, line, case.id))), "staff", STAFF, NOW)
        open_ones = [c for c in cases if c.is_open]
        if open_ones and data.draw(st.booleans()):
            data.draw(st.sampled_from(open_ones)).cancel("buyer:b-1", "changed my mind", NOW)
        taken = sum(claim.refund.amount for claim in with_cases(base, *cases).claims)
        assert line.stopped_amount + taken <= line.paid_amount


@settings(max_examples=300, deadline=None)
@given(order_lines(0), st.data())
def test_a_line_returned_whole_in_any_cases_refunds_exactly_what_it_paid(line, data):
    line = replace(line, virtual=False)
    base = OrderSnapshot("O-1", "b-1", O.AWAITING_SHIPMENT, OrderType.NORMAL, "CNY", (line,))
    cases, free, changes_of_mind = [], line.quantity - line.stopped_quantity, 0
    while free:
        if data.draw(st.booleans()):  # sometimes the goods ship meanwhile
            base = replace(base, status=O.SHIPPED)
        type = T.REFUND_ONLY if base.status is O.AWAITING_SHIPMENT else T.RETURN_AND_REFUND
        case = AfterSalesCase.open(f"AS-{len(cases)}", with_cases(base, *cases),
                                   CaseRequest(type, (ClaimedLine("L0", data.draw(st.integers(1, free))),), "why",
                                               BUYER), NOW)
        cases.append(case)
        if changes_of_mind < 3 and data.draw(st.booleans()):  # the units come free again
            case.cancel("buyer:b-1", "changed my mind", NOW)
            changes_of_mind += 1
        free = line.quantity - line.stopped_quantity - sum(c.quantity for c in with_cases(base, *cases).claims)
    refunds = [claim.refund for claim in with_cases(base, *cases).claims]
    stopped_goods = line.goods_paid_amount * line.stopped_quantity // line.quantity
    forfeited = sum(r.shipping for r in refunds if not r.shipping_refunded)
    assert sum(r.goods for r in refunds) == line.goods_paid_amount - stopped_goods
    assert sum(r.amount for r in refunds) == line.paid_amount - line.stopped_amount - forfeited
    assert sum(r.points for r in refunds) == line.points_amount
