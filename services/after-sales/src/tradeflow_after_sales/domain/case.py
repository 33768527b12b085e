"""The after-sales case aggregate (DOMAIN §5, issue 12): chosen lines and quantities of one order,
a type (refund_only, return_and_refund, exchange), the reason, description and evidence, who
asked (the buyer, or staff on the buyer's behalf), and its own state machine.

Opening checks eligibility (`eligibility.py`) and fixes each line's refund by the rule
(`refund.py`) or, for an exchange, its replacement (`exchange.py`). The status moves only along
its type's table (`states.TRANSITIONS`), on a named event; anything else raises
IllegalTransition. State is private: only the methods change it, each recording who, when, what
and why in the history, and the domain events (`pull_events()`) the app turns into outbox
messages and saga steps. Staff's decisions are in `staff_decisions.py`, parking and retrying in
`attention.py`, the moves that change the type in `conversions.py`. A parked case
(needs_attention) takes what the outside reports — the buyer's parcel or cancellation, the
warehouse's receipt and inspection, payment's refund, the replacement delivered — as the status it
was parked in would (the report settles what was stuck); the saga's own steps wait for `retry`.

A case *holds* its lines' units (and the money it takes of them) while it is open, and for good
once its refund was made (`claims()`, read into the next case's `OrderSnapshot`).
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from tradeflow_after_sales.domain.attention import Attending
from tradeflow_after_sales.domain.conversions import Converting
from tradeflow_after_sales.domain.eligibility import AfterSalesWindows, check_eligibility
from tradeflow_after_sales.domain.errors import AfterSalesError, IllegalTransition, ReturnNotOverdue
from tradeflow_after_sales.domain.events import CaseDomainEvent, CaseMoved, CaseOpened, ReturnParcelReported
from tradeflow_after_sales.domain.model import (
    Attention,
    CaseLine,
    CaseRequest,
    Goodwill,
    HistoryEntry,
    RefundOverride,
    Requester,
    RequesterKind,
    ReturnParcel,
)
from tradeflow_after_sales.domain.opening import (
    case_lines,
    check_channel_refund,
    check_request,
    required,
    stops_goods_first,
)
from tradeflow_after_sales.domain.order_snapshot import Claim, OrderSnapshot
from tradeflow_after_sales.domain.staff_decisions import StaffDecisions
from tradeflow_after_sales.domain.states import FINAL, TRANSITIONS, CaseEvent, CaseStatus, CaseType

S, E = CaseStatus, CaseEvent


class AfterSalesCase(Attending, Converting, StaffDecisions):
    def __init__(self, *, id: str, order_id: str, buyer_id: str, currency: str, type: CaseType,
                 lines: Iterable[CaseLine], reason: str, requested_by: Requester, opened_at: datetime,
                 status: CaseStatus = S.REQUESTED, description: str = "", evidence: Iterable[str] = (),
                 before_shipment: bool = False, channel_refund_amount: int | None = None,
                 return_parcel: ReturnParcel | None = None, return_deadline: datetime | None = None,
                 attention: Attention | None = None, override: RefundOverride | None = None,
                 goodwill: Iterable[Goodwill] = (), refunded_amount: int | None = None,
                 refund_id: str | None = None, replacement_shipment_id: str | None = None,
                 history: Iterable[HistoryEntry] = (), split_from: str | None = None,
                 continued_by: str | None = None) -> None:
        self.id, self.order_id, self.buyer_id, self.currency = id, order_id, buyer_id, currency
        self.reason, self.description, self.evidence = reason, description, tuple(evidence)
        self.requested_by, self.opened_at = requested_by, opened_at
        self.before_shipment, self.channel_refund_amount = before_shipment, channel_refund_amount
        self._type, self._status, self._lines = CaseType(type), CaseStatus(status), tuple(lines)
        self._return_parcel, self._return_deadline = return_parcel, return_deadline
        self._attention, self._override, self._goodwill = attention, override, list(goodwill)
        self._refunded_amount, self._refund_id = refunded_amount, refund_id
        self._replacement_shipment_id = replacement_shipment_id
        self.split_from, self._continued_by = split_from, continued_by
        self._history = list(history)
        self._saved_history = len(self._history)
        self._events: list[CaseDomainEvent] = []

    type = property(lambda self: self._type)
    status = property(lambda self: self._status)
    lines = property(lambda self: self._lines)
    return_parcel = property(lambda self: self._return_parcel)
    return_deadline = property(lambda self: self._return_deadline)
    attention = property(lambda self: self._attention, doc="Why it needs a person, while it does.")
    override = property(lambda self: self._override, doc="Staff's refund amount and why, if they set one.")
    refunded_amount = property(lambda self: self._refunded_amount, doc="What payment refunded; None until then.")
    refund_id = property(lambda self: self._refund_id)
    replacement_shipment_id = property(lambda self: self._replacement_shipment_id)
    continued_by = property(lambda self: self._continued_by, doc="The case a part stop's units going on continue in.")

    @property
    def goodwill(self) -> tuple[Goodwill, ...]:
        return tuple(self._goodwill)

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._history)

    @property
    def refund_amount(self) -> int:
        """The money the case refunds (0 for an exchange)."""
        return sum(line.refund.amount for line in self._lines if line.refund)

    @property
    def points_amount(self) -> int:
        """The points it gives back."""
        return sum(line.refund.points for line in self._lines if line.refund)

    @property
    def by_channel(self) -> bool:
        """Opened by the channel adapter for a refund the channel made: its goods must come back."""
        return self.requested_by.kind is RequesterKind.CHANNEL

    @property
    def is_open(self) -> bool:
        return self._status not in FINAL

    @property
    def holds_units(self) -> bool:
        return self.is_open or self._refunded_amount is not None

    def claims(self) -> tuple[Claim, ...]:
        """What the case holds of its order's lines, for the order's other cases to count."""
        if not self.holds_units:
            return ()
        return tuple(Claim(self.id, line.line_id, line.quantity, line.refund) for line in self._lines)

    def is_overdue(self, now: datetime) -> bool:
        """Awaiting a return parcel past its deadline."""
        return (self._status is S.AWAITING_RETURN and self._return_deadline is not None
                and now >= self._return_deadline)

    def pull_events(self) -> list[CaseDomainEvent]:
        events, self._events = self._events, []
        return events

    def pull_new_history(self) -> list[HistoryEntry]:
        """The entries recorded since the case was loaded or last pulled (append-only)."""
        new, self._saved_history = self._history[self._saved_history:], len(self._history)
        return new

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, id: str, order: OrderSnapshot, request: CaseRequest, now: datetime,
             windows: AfterSalesWindows = AfterSalesWindows()) -> "AfterSalesCase":
        """A new case, `requested`, if the order and its other cases allow it; refused otherwise."""
        check_request(request, order)
        check_eligibility(order, request.type, request.lines, now, windows, case_id=id)
        check_channel_refund(request, order, id)
        case = cls(id=id, order_id=order.id, buyer_id=order.buyer_id, currency=order.currency, type=request.type,
                   lines=case_lines(id, order, request), reason=request.reason.strip(),
                   requested_by=request.requester, opened_at=now, description=request.description,
                   evidence=request.evidence, before_shipment=stops_goods_first(request, order),
                   channel_refund_amount=request.channel_refund_amount)
        case._record(now, None, E.OPEN, request.requester.actor, case.reason)
        case._events.append(CaseOpened(case.type, case.refund_amount, now))
        return case

    # -- review ----------------------------------------------------------------------------------
    def approve(self, actor: str, now: datetime, note: str | None = None) -> None:
        """Staff (or the merchant, for its own sub-orders) accept the case."""
        self._move(E.APPROVE, actor, now, note)

    def reject(self, actor: str, reason: str, now: datetime) -> None:
        """Refused in review, or after a failed inspection (the parcel goes back to the buyer)."""
        self._move(E.REJECT, actor, now, required(reason, "reason"))

    def cancel(self, actor: str, reason: str, now: datetime) -> None:
        """The buyer withdraws the case before it is done; parked, as the parked status allows."""
        self._move(E.CANCEL, actor, now, required(reason, "reason"), from_status=self._resting_status)

    # -- the return parcel and the warehouse -----------------------------------------------------
    def await_return(self, deadline: datetime, now: datetime, actor: str = "saga") -> None:
        """Approved (an exchange's replacement reserved): the buyer sends the goods back by `deadline`."""
        self._move(E.AWAIT_RETURN, actor, now)
        self._return_deadline = deadline

    def report_return_parcel(self, carrier: str, waybill: str, actor: str, now: datetime) -> None:
        """The buyer sent the parcel; reporting the same waybill again changes nothing."""
        carrier, waybill = required(carrier, "carrier"), required(waybill, "waybill")
        if self._return_parcel is not None and self._return_parcel.waybill == waybill:
            return
        self._move(E.REPORT_PARCEL, actor, now, f"{carrier} {waybill}", from_status=self._resting_status)
        self._return_parcel = ReturnParcel(carrier, waybill, now)
        self._events.append(ReturnParcelReported(self._return_parcel))

    def return_received(self, now: datetime, actor: str = "warehouse") -> None:
        self._move(E.RECEIVE, actor, now, from_status=self._resting_status)

    def inspected(self, ok: bool, now: datetime, note: str | None = None, actor: str = "warehouse") -> None:
        """The warehouse's verdict: ok → restock and refund (or ship the replacement); failed → staff decide."""
        self._move(E.INSPECT_OK if ok else E.INSPECT_FAIL, actor, now, note, from_status=self._resting_status)

    def expire(self, now: datetime, actor: str = "saga") -> None:
        """No return parcel came by the deadline: closed, its units free again."""
        if self._status is S.AWAITING_RETURN and not self.is_overdue(now):
            raise ReturnNotOverdue(f"case {self.id}: the return is due by {self._return_deadline}")
        self._move(E.EXPIRE, actor, now, "no return parcel by the deadline")

    # -- refund, replacement, completion ---------------------------------------------------------
    def start_refund(self, now: datetime, actor: str = "saga") -> None:
        """Ask payment for the refund. After a failed inspection only staff decide (`refund_partially`)."""
        if self._status is S.INSPECTED_FAILED:
            raise IllegalTransition(f"case {self.id} failed inspection: staff refund part of it or reject it")
        self._move(E.START_REFUND, actor, now)

    def refund_made(self, amount: int, now: datetime, refund_id: str | None = None, actor: str = "payment",
                    by_line: dict[str, int] | None = None) -> None:
        """Payment refunded `amount` (never more than the case asked); a repeat changes nothing.
        `by_line`: what each line got back, when the refund names it — the case's lines then carry
        exactly that (less than asked is recorded as it is, never rounded up)."""
        if self._refunded_amount is not None and refund_id == self._refund_id:
            return
        if not 0 <= amount <= self.refund_amount:
            raise AfterSalesError(f"case {self.id}: {amount} refunded, {self.refund_amount} asked")
        if by_line and sum(by_line.values()) == amount:
            self._lines = tuple(_refunded_line(line, by_line) for line in self._lines)
        self._move(E.REFUND_MADE, actor, now, f"{amount} refunded", from_status=self._resting_status)
        self._refunded_amount, self._refund_id = amount, refund_id

    def ship_replacement(self, shipment_id: str, now: datetime, actor: str = "saga") -> None:
        self._move(E.SHIP_REPLACEMENT, actor, now, shipment_id)
        self._replacement_shipment_id = shipment_id

    def replacement_delivered(self, now: datetime, actor: str = "fulfillment") -> None:
        self._move(E.REPLACEMENT_DELIVERED, actor, now, from_status=self._resting_status)

    def complete(self, now: datetime, actor: str = "saga") -> None:
        """Every step done (refunded, points and entitlements back, order told; or replacement delivered)."""
        self._move(E.COMPLETE, actor, now)

    # -- the table -------------------------------------------------------------------------------
    @property
    def _resting_status(self) -> CaseStatus:
        """The status the case is at in its flow: the parked one while it needs attention."""
        return self._attention.status if self._attention is not None else self._status

    def _target(self, event: CaseEvent, from_status: CaseStatus | None = None) -> CaseStatus:
        target = TRANSITIONS[self._type].get((from_status or self._status, event))
        if target is None:
            raise IllegalTransition(f"case {self.id} ({self._type}) is {self._status}: it cannot {event}")
        return target

    def _move(self, event: CaseEvent, actor: str, now: datetime, reason: str | None = None, *,
              from_status: CaseStatus | None = None, to_status: CaseStatus | None = None) -> None:
        before = self._status
        self._status = to_status or self._target(event, from_status)
        if before is S.NEEDS_ATTENTION:
            self._attention = None
        self._record(now, before, event, actor, reason)
        self._events.append(CaseMoved(before, self._status, event, now, actor, reason))

    def _record(self, now: datetime, before: CaseStatus | None, event: CaseEvent, actor: str,
                reason: str | None = None) -> None:
        self._history.append(HistoryEntry(now, before, self._status, event, actor, reason))


def _refunded_line(line: CaseLine, by_line: dict[str, int]) -> CaseLine:
    """The line with what its refund actually gave back (never more than it asked)."""
    if line.refund is None or line.line_id not in by_line:
        return line
    return replace(line, refund=replace(line.refund, amount=min(by_line[line.line_id], line.refund.amount)))
