"""Refunds attributed to order lines exactly (DOMAIN §1 Allocation, §2 Refunds).

Every refund the order asks for names each line's share when it is asked (`AskedRefund`), and
when the payment service reports it made (PaymentRefunded with its refund id) exactly those
shares are the lines' money back. Refunded money the order did not ask for (staff refunding
through the payment API, a late capture refunded by payment) is apportioned by the one rounding
rule (`tradeflow_money.apportion`) over what the lines paid and have not got back — first over what no
asked refund still waiting is earmarked for. No line ever gets back more than it paid, and the
lines always sum to what was refunded of the order.

Stopping units of a line is worth the paid share of those units, floored cumulatively
(`units_share`): stopping every unit, in any number of steps, gives back exactly what the line paid.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tradeflow_money import apportion, units_between
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.model import Line
from tradeflow_order.domain.states import OrderStatus, PaymentStatus


class RefundState(StrEnum):
    REQUESTED = "requested"
    REFUNDED = "refunded"
    FAILED = "failed"  # the payment service refused it: staff act on it; its earmark is free again


@dataclass
class AskedRefund:
    id: str
    amount: int
    reason: str
    lines: dict[str, int]  # line id → its share; the shares sum to `amount`
    requested_at: datetime
    state: RefundState = RefundState.REQUESTED
    case_id: str | None = None  # an after-sales case's (CancelLines, RefundLines): answered to the case
    points: dict[str, int] = field(default_factory=dict)  # line id → points given back with the money


class KeepsRefunds:
    """Mixed into `Order`: its lines, the refunds it asked for (`_refunds`), its payment status
    and history."""

    @property
    def refunds(self) -> tuple[AskedRefund, ...]:
        """The refunds the order asked for, with each line's share."""
        return tuple(self._refunds)

    def refunded(self, refunded_total: int, now: datetime, refund_id: str | None = None,
                 amount: int | None = None) -> None:
        """The payment's refunds now total `refunded_total`, `refund_id` (of `amount`) the last
        (`attribute_refund`). A repeat of a refund it asked for changes nothing; a full refund
        closes a paid order that is not cancelled and gives its coupons and points back — but not
        when after-sales refunded it (coupons stay used; a case gives points back per refund)."""
        asked = next((r for r in self._refunds if r.id == refund_id), None)
        if asked is not None and asked.state is RefundState.REFUNDED and refunded_total <= self._refunded_amount:
            return
        made = asked is not None and asked.state is RefundState.REQUESTED
        attribute_refund(self.lines, self._refunds, refund_id, amount, refunded_total)
        self._refunded_amount = total = max(self._refunded_amount, refunded_total)
        self._payment_status = (PaymentStatus.REFUNDED if total >= self.paid_amount
                                else PaymentStatus.PARTIALLY_REFUNDED)
        self._record(now, self._status, "refunded", "payment", f"{total} refunded")
        if self._payment_status is PaymentStatus.REFUNDED and self._can("close"):  # a cancelled one stays so
            self._transition("close", "payment", now, "fully refunded")
            for sub in self.sub_orders:
                sub.status = OrderStatus.CLOSED
            if not any(r.case_id for r in self._refunds):
                self._release_benefits(now)
        if made and asked.case_id:
            self._case_refund_made(asked, now)

    def refund_failed(self, reason: str, now: datetime, refund_id: str | None = None) -> None:
        """Recorded for staff to act on; the money stays where it is, and what the refund was for
        is open again (money staff refund instead is apportioned over it)."""
        for refund in self._refunds:
            if refund.id == refund_id and refund.state is RefundState.REQUESTED:
                refund.state = RefundState.FAILED
                if refund.case_id:
                    self._events.append(ev.CaseRefundAnswered(refund.id, now, reason))
        self._record(now, self._status, "refund_failed", "payment", reason)

    def _rest_to_refund(self) -> dict[str, int]:
        """Each line's paid amount neither refunded nor asked back yet."""
        return {line.id: open_to_refund(line, self._refunds) for line in self.lines}

    def _request_refund(self, shares: dict[str, int], reason: str, now: datetime, refund_id: str | None = None,
                        case_id: str | None = None) -> AskedRefund:
        refund = AskedRefund(refund_id or f"{self.id}-refund-{len(self._history)}", sum(shares.values()), reason,
                             {line_id: share for line_id, share in shares.items() if share}, now, case_id=case_id)
        self._refunds.append(refund)
        self._events.append(ev.RefundRequested(refund.id, refund.amount, reason))
        self._record(now, self._status, "refund_requested", "after-sales" if case_id else "saga", reason)
        return refund


def units_share(line: Line, before: int, after: int) -> int:
    """What the line paid for its units from the `before`-th to the `after`-th: paid × units ÷
    quantity, floored cumulatively."""
    return units_between(line.paid_amount, line.quantity, before, after)


def not_refunded(line: Line) -> int:
    return line.paid_amount - line.refunded_amount


def open_to_refund(line: Line, asked: list[AskedRefund]) -> int:
    """What the line paid, has not got back and no refund on its way is for."""
    waiting = sum(r.lines.get(line.id, 0) for r in asked if r.state is RefundState.REQUESTED)
    return max(0, not_refunded(line) - waiting)


def attribute_refund(lines: list[Line], asked: list[AskedRefund], refund_id: str | None, amount: int | None,
                     refunded_total: int) -> None:
    """The payment's refunds now total `refunded_total`, `refund_id` (of `amount`) the last one:
    an asked refund goes to its lines as asked, the rest of the total not on the lines yet is
    apportioned."""
    refund = next((r for r in asked if r.id == refund_id), None)
    if refund is not None and refund.state is not RefundState.REFUNDED:
        refund.state = RefundState.REFUNDED
        by_id = {line.id: line for line in lines}
        for line_id, share in _shares(refund, amount).items():
            line = by_id[line_id]
            line.refunded_amount += min(share, not_refunded(line))
    other = min(refunded_total, sum(ln.paid_amount for ln in lines)) - sum(ln.refunded_amount for ln in lines)
    if other > 0:
        _apportion_other(lines, asked, other)


def _shares(refund: AskedRefund, amount: int | None) -> dict[str, int]:
    """The asked shares; a smaller amount made (never expected) is apportioned over them."""
    if amount is None or amount >= refund.amount:
        return refund.lines
    ids, asked = list(refund.lines), list(refund.lines.values())
    return dict(zip(ids, apportion(max(amount, 0), asked, caps=asked), strict=True))


def _apportion_other(lines: list[Line], asked: list[AskedRefund], amount: int) -> None:
    free = [open_to_refund(line, asked) for line in lines]
    first = min(amount, sum(free))
    for line, share in zip(lines, apportion(first, free, caps=free), strict=True):
        line.refunded_amount += share
    rest = amount - first  # more than is free: it takes what refunds on their way are for
    if rest > 0:
        room = [not_refunded(line) for line in lines]
        for line, share in zip(lines, apportion(min(rest, sum(room)), room, caps=room), strict=True):
            line.refunded_amount += share
