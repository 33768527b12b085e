"""The order's side of after-sales (DOMAIN §5, issue 12): the order keeps the money and units line
by line, so the after-sales service's cases ask it.

* `cancel_lines` (CancelLines, a refund-only case before shipment) stops just the case's units
  through the cancellation after payment (the saga waits in `cancelling`, one cancellation at a
  time: the order's own or one case's); fulfillment's answer records the newly stopped units,
  refunds exactly them (refund `<order>-cancel-<case>`), releases their stock, and is answered
  LinesCancelled. A line the case names its own refund for (`CaseRefund`: its goods and shipping
  shares, its points) refunds exactly that when all its asked units are stopped, and their share of
  it floored cumulatively when fewer are — so the case and the order agree to the cent; without
  one, the units' paid share (`refunds.units_share`). Always within what the line has open. It
  is refused at once (nothing stopped) when it cannot be tried now. The buyer's `cancellation`
  is not touched: the case's stop is recorded as the case's.
* `refund_lines` (RefundLines) asks exactly the case's shares back as an `AskedRefund` with the
  case's refund id (each share within what its line has open), the points with them once the
  money is back (at once when no money moves); a refund id seen before is answered again.
* `case_moved` (CaseStatusChanged) keeps what the order shows of its cases.

A part of the `Order` aggregate: uses its lines, refunds, step, status and events.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_money import units_between
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.cancellation import GoingOnUnits
from tradeflow_order.domain.model import Line, StoppedUnits
from tradeflow_order.domain.refunds import AskedRefund, RefundState, open_to_refund, units_share
from tradeflow_order.domain.states import OrderStatus, OrderStep, PaymentStatus

BEFORE_SHIPMENT = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED)


@dataclass(frozen=True)
class CaseRefund:
    """What a case refunds for the units it asks to stop of a line: money (its goods and shipping
    shares) and points; None: the order's own share of them."""

    amount: int | None = None
    points: int | None = None


@dataclass
class CaseCancel:
    """A case's CancelLines: asked (`decided_at` None) or decided — what was stopped of each line
    (units, amount refunded) and what goes on; `refunds`: the case's own refund by line."""

    case_id: str
    lines: dict[str, int]
    reason: str
    requested_by: str
    requested_at: datetime
    decided_at: datetime | None = None
    stopped: dict[str, tuple[int, int]] = field(default_factory=dict)
    going_on: tuple[GoingOnUnits, ...] = ()
    refund_id: str | None = None
    refunds: dict[str, CaseRefund] = field(default_factory=dict)


@dataclass
class CaseSeen:
    """A case of the order as its last CaseStatusChanged told."""

    case_id: str
    type: str
    status: str
    open: bool
    at: datetime


@dataclass
class AfterSales:
    """What the order keeps for after-sales: the version of its facts (OrderChanged), the cases'
    stops and the cases it was told of."""

    version: int = 0
    cancels: list[CaseCancel] = field(default_factory=list)
    cases: list[CaseSeen] = field(default_factory=list)


def cancel_refund_id(order_id: str, case_id: str) -> str:
    return f"{order_id}-cancel-{case_id}"


class ServesAfterSales:
    @property
    def paid_at(self) -> datetime | None:
        return self._last_at("pay")

    @property
    def completed_at(self) -> datetime | None:
        return self._last_at("confirm_receipt", "complete")

    @property
    def after_sales_in_progress(self) -> bool:
        return any(case.open for case in self.after_sales.cases)

    @property
    def case_cancel_waiting(self) -> CaseCancel | None:
        return next((c for c in self.after_sales.cancels if c.decided_at is None), None)

    def case_moved(self, case: CaseSeen) -> None:
        """Kept by case id; an older move arriving after a newer one changes nothing."""
        cases = self.after_sales.cases
        known = next((i for i, c in enumerate(cases) if c.case_id == case.case_id), None)
        if known is None:
            cases.append(case)
        elif cases[known].at <= case.at:
            cases[known] = case

    # -- CancelLines ------------------------------------------------------------------------------
    def cancel_lines(self, case_id: str, units: dict[str, int], reason: str, actor: str, now: datetime,
                     refunds: dict[str, CaseRefund] | None = None) -> None:
        """Ask fulfillment to stop these units (each line's cancelled units so far plus the
        case's), to be refunded as `refunds` says by line (else the order's share); a case asked
        before is answered again (or awaited), one that cannot be tried now is refused at once."""
        known = next((c for c in self.after_sales.cancels if c.case_id == case_id), None)
        if known is not None:
            if known.decided_at is not None:
                self._events.append(ev.CaseCancelAnswered(case_id))
            return
        if why := self._why_not_cancel_lines(units):
            self._events.append(ev.CaseCancelRefused(case_id, why, now))
            return
        self.after_sales.cancels.append(CaseCancel(case_id, dict(units), reason, actor, now,
                                                   refunds={k: v for k, v in (refunds or {}).items() if k in units}))
        self._step = OrderStep.CANCELLING
        asked = "; ".join(f"{self.line(line_id).sku} × {n}" for line_id, n in units.items())
        self._record(now, self._status, "case_cancel_requested", actor, f"case {case_id}: {asked}: {reason}")
        self._events.append(ev.FulfillmentStopRequested(reason, actor, now, tuple(
            (line_id, self.line(line_id).cancelled_quantity + n) for line_id, n in units.items())))

    def _why_not_cancel_lines(self, units: dict[str, int]) -> str | None:
        if self._step is OrderStep.CANCELLING:
            whose = "another after-sales case's" if self.case_cancel_waiting else "the order's own"
            return f"cancellation-in-progress: {whose} cancellation is being decided by fulfillment"
        if self._payment_status is PaymentStatus.UNPAID:
            return f"not-paid: the order is {self._status} and was never paid"
        if self._step is not OrderStep.HANDED_OVER or self._status not in BEFORE_SHIPMENT:
            return f"not-before-shipment: the order is {self._status}"
        lines = {line.id: line for line in self.lines}
        for line_id, n in units.items():
            if line_id not in lines:
                return f"unknown-line: the order has no line {line_id}"
            if n > lines[line_id].remaining_quantity:
                return f"too-many-units: line {line_id} has {lines[line_id].remaining_quantity} units not cancelled"
        return None

    def _case_lines_stopped(self, case: CaseCancel, before: dict[str, int], new: list[tuple[Line, StoppedUnits]],
                            going_on: list[GoingOnUnits], now: datetime) -> None:
        """Fulfillment answered the case: refund and release exactly the units newly stopped;
        every unit of the order stopped → the order is cancelled as by its own cancellation."""
        self._step = OrderStep.HANDED_OVER
        reason = f"after-sales case {case.case_id}: {case.reason}"
        stopped, refund = self._refund_case_stop(case, before, reason, now)
        case.decided_at, case.stopped, case.refund_id = now, stopped, refund.id if refund else None
        case.going_on = tuple(g for g in going_on if g.line_id in case.lines)
        self._record(now, self._status, "case_lines_cancelled", "fulfillment", f"case {case.case_id}: stopped " + (
            "; ".join(f"{self.line(lid).sku} × {n}" for lid, (n, _) in stopped.items()) or "nothing"))
        going = {g.line_id for g in going_on} | {ln.id for ln in self.lines if ln.remaining_quantity}
        self._release_stopped(new, going, reason)
        self._events.append(ev.CaseCancelAnswered(case.case_id))
        if refund is not None and not refund.amount:  # nothing paid for them (a channel's order): refunded as is
            self._case_refund_made(refund, now)
        if all(not ln.remaining_quantity for ln in self.lines) and self._status in BEFORE_SHIPMENT:
            self._cancel_everything(reason, case.requested_by, now)
        else:
            self._settle_stopped_sub_orders(now)

    def _refund_case_stop(self, case: CaseCancel, before: dict[str, int], reason: str,
                          now: datetime) -> tuple[dict[str, tuple[int, int]], AskedRefund | None]:
        """The newly stopped units' paid share and points asked back as the case's refund:
        (line → (units, amount)), and the refund (None when nothing was stopped)."""
        lines = [ln for ln in self.lines if ln.cancelled_quantity > before[ln.id]]
        if not lines:
            return {}, None
        points = {ln.id: min(case_units_worth(case, ln, before[ln.id], "points"), points_open(ln, self._refunds))
                  for ln in lines}
        refund_id = cancel_refund_id(self.id, case.case_id)
        shares = self._refund_stopped(before, reason, now, refund_id, case.case_id,
                                      worth=lambda ln: case_units_worth(case, ln, before[ln.id], "amount"))
        refund = next((r for r in self._refunds if r.id == refund_id), None)
        if refund is None:  # no money to move
            refund = AskedRefund(refund_id, 0, reason, {}, now, RefundState.REFUNDED, case.case_id)
            self._refunds.append(refund)
        refund.points = {line_id: p for line_id, p in points.items() if p}
        return {ln.id: (ln.cancelled_quantity - before[ln.id], shares.get(ln.id, 0)) for ln in lines}, refund

    # -- RefundLines ------------------------------------------------------------------------------
    def refund_lines(self, case_id: str, refund_id: str, shares: dict[str, tuple[int, int]], reason: str,
                     now: datetime) -> None:
        """Refund exactly these (money, points) shares by line as refund `refund_id`."""
        known = next((r for r in self._refunds if r.id == refund_id), None)
        if known is not None:
            if known.state is not RefundState.REQUESTED:
                self._events.append(ev.CaseRefundAnswered(refund_id, now, "the payment service failed the refund"))
            return
        if why := self._why_not_refund(shares):
            self._events.append(ev.CaseRefundRefused(case_id, refund_id, why, now))
            return
        money = {line_id: amount for line_id, (amount, _) in shares.items() if amount}
        refund = AskedRefund(refund_id, sum(money.values()), f"after-sales case {case_id}: {reason}", money, now,
                             case_id=case_id, points={line_id: p for line_id, (_, p) in shares.items() if p})
        self._refunds.append(refund)
        if refund.amount:
            self._events.append(ev.RefundRequested(refund.id, refund.amount, refund.reason))
            self._record(now, self._status, "refund_requested", "after-sales", refund.reason)
        else:
            refund.state = RefundState.REFUNDED
            self._case_refund_made(refund, now)

    def _why_not_refund(self, shares: dict[str, tuple[int, int]]) -> str | None:
        if self._payment_status is PaymentStatus.UNPAID:
            return f"the order is {self._status} and was never paid"
        lines = {line.id: line for line in self.lines}
        for line_id, (amount, points) in shares.items():
            line = lines.get(line_id)
            if line is None:
                return f"the order has no line {line_id}"
            if amount > (left := open_to_refund(line, self._refunds)):
                return f"line {line_id}: {amount} asked back, {left} of what it paid is left to refund"
            if points > (left := points_open(line, self._refunds)):
                return f"line {line_id}: {points} points asked back, {left} of its points are left"
        return None

    def _case_refund_made(self, refund: AskedRefund, now: datetime) -> None:
        """The case's money is back (or none moved): its points go back, the case is answered."""
        if points := sum(refund.points.values()):
            self._events.append(ev.PointsGivenBack(refund.id, points, now))
        self._record(now, self._status, "case_refunded", "after-sales",
                     f"case {refund.case_id}: {refund.amount} and {points} points back ({refund.id})")
        self._events.append(ev.CaseRefundAnswered(refund.id, now))


def case_units_worth(case: CaseCancel, line: Line, before: int, what: str) -> int:
    """What the case refunds (`what`: "amount" or "points") for the line's units stopped since
    `before`: of the case's own refund for its asked units, the stopped ones' share floored
    cumulatively (all of them: exactly it); units beyond those asked (never expected) and a line
    without the case's own refund: the order's share (`units_share`, `units_points`)."""
    own: Callable[[Line, int, int], int] = units_share if what == "amount" else units_points
    given, asked = getattr(case.refunds.get(line.id, CaseRefund()), what), case.lines.get(line.id, 0)
    if given is None or not asked:
        return own(line, before, line.cancelled_quantity)
    mine = min(line.cancelled_quantity - before, asked)
    return units_between(given, asked, 0, mine) + own(line, before + mine, line.cancelled_quantity)


def units_points(line: Line, before: int, after: int) -> int:
    """The points spent on the line's units from the `before`-th to the `after`-th, floored
    cumulatively (like `refunds.units_share`): all its units give back exactly its points."""
    return units_between(line.discounts.get("points", 0), line.quantity, before, after)


def points_open(line: Line, asked: list[AskedRefund]) -> int:
    """The points spent on the line that no refund (made or on its way) gives back."""
    given = sum(r.points.get(line.id, 0) for r in asked if r.state is not RefundState.FAILED)
    return max(0, line.discounts.get("points", 0) - given)
