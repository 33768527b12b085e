"""The Shipment aggregate: one parcel's goods from one warehouse to one receiver (DOMAIN §4).

Its status moves only along `transitions.TRANSITIONS`, on a named event; anything else raises
IllegalTransition. Every move — and every warehouse or carrier report, applied or not — is kept
in its history `{at, status, event, source}`. State is private: only the methods change it,
recording the domain events (`pull_events()`) that become outbox messages.

A shipment waits `ready` in the merge window until `dispatch_after` (`merging.py`); orders of
the same buyer, receiver and warehouse may join it meanwhile, and leave it again when cancelled
(`leave`); staff may merge held shipments into it by hand, after the window too
(`hand_merge.py`). Each dispatch to the warehouse has its own number (warehouses refuse a
number twice); re-review dispatches the intercepted shipment again under a new one. How a
dispatch is attempted and how reports name what they are about: `dispatching.py`.
"""

from collections.abc import Iterable
from datetime import datetime

from tradeflow_fulfillment.domain.awaiting_stock import AwaitingStock
from tradeflow_fulfillment.domain.consolidation import Consolidation
from tradeflow_fulfillment.domain.dispatching import DispatchAttempt, Dispatching
from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.events import CameBack, LeftWarehouse, ShipmentDomainEvent, StatusChanged
from tradeflow_fulfillment.domain.hand_merge import HandMerge
from tradeflow_fulfillment.domain.interception import Intercepting, Interception
from tradeflow_fulfillment.domain.model import Flag, HistoryEntry, Receiver, ShipmentLine
from tradeflow_fulfillment.domain.partial_stop import PartialStopping
from tradeflow_fulfillment.domain.re_review import ReReviewing, ReReviewOutcome
from tradeflow_fulfillment.domain.transitions import (
    REPORTS,
    STOPPED,
    TRANSITIONS,
    ShipmentEvent,
    ShipmentStatus,
    stage_rank,
)

S, E = ShipmentStatus, ShipmentEvent


class Shipment(AwaitingStock, Consolidation, HandMerge, Dispatching, Intercepting, PartialStopping, ReReviewing):
    def __init__(self, *, id: str, buyer_id: str, receiver: Receiver, warehouse: str, carrier: str,
                 lines: Iterable[ShipmentLine], flags: Iterable[Flag], status: ShipmentStatus, planned_at: datetime,
                 dispatch_after: datetime, progress: ShipmentStatus | None = None,
                 dispatch_numbers: Iterable[str] = (), waybill: str | None = None,
                 history: Iterable[HistoryEntry] = (), dispatch_attempt: DispatchAttempt | None = None,
                 skipped_dispatch_numbers: Iterable[str] = (), interception: Interception | None = None,
                 awaiting_stock: Iterable[str] = (), case_id: str | None = None) -> None:
        self.id, self.buyer_id, self.receiver, self.warehouse = id, buyer_id, receiver, warehouse
        self.case_id = case_id  # an after-sales case's replacement: never merged, its sub-order id is the case's
        self.planned_at, self.dispatch_after = planned_at, dispatch_after
        self._carrier, self._waybill = carrier, waybill
        self._lines, self._flags = list(lines), frozenset(flags)
        self._status = ShipmentStatus(status)
        self._progress = ShipmentStatus(progress) if progress else None
        self._dispatch_numbers = list(dispatch_numbers)
        self._attempt, self._skipped_numbers = dispatch_attempt, list(skipped_dispatch_numbers)
        self._interception, self._awaiting = interception, list(awaiting_stock)
        self._split_pending: tuple[tuple[str, int], ...] = ()  # re-review: units to pack apart (transient)
        self._re_reviewed: ReReviewOutcome | None = None  # a re-review's interception just answered (transient)
        self._history = list(history)
        self._saved_history = len(self._history)
        self._saved_lines = tuple(self._lines)
        self._events: list[ShipmentDomainEvent] = []

    status = property(lambda self: self._status)
    progress = property(lambda self: self._progress, doc="The furthest stage the goods were reported at.")
    carrier = property(lambda self: self._carrier)
    waybill = property(lambda self: self._waybill)
    flags = property(lambda self: self._flags)

    @property
    def lines(self) -> tuple[ShipmentLine, ...]:
        return tuple(self._lines)

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._history)

    @property
    def dispatch_number(self) -> str | None:
        """The number of the latest dispatch to the warehouse; None until dispatched."""
        return self._dispatch_numbers[-1] if self._dispatch_numbers else None

    @property
    def dispatch_numbers(self) -> tuple[str, ...]:
        return tuple(self._dispatch_numbers)

    @property
    def has_shipped(self) -> bool:
        """The goods left the warehouse (as far as anyone reported)."""
        return self._progress is not None and stage_rank(self._progress) >= stage_rank(S.SHIPPED)

    def pull_events(self) -> list[ShipmentDomainEvent]:
        events, self._events = self._events, []
        return events

    def pull_lines_changed(self) -> bool:
        """Whether its lines changed since it was loaded or last asked (a merge, an order leaving,
        a split): only then are they written again."""
        changed, self._saved_lines = self._saved_lines != tuple(self._lines), tuple(self._lines)
        return changed

    def pull_new_history(self) -> list[HistoryEntry]:
        """The entries recorded since the shipment was loaded or last pulled (append-only)."""
        new, self._saved_history = self._history[self._saved_history:], len(self._history)
        return new

    # -- review and dispatch --------------------------------------------------------------------
    def approve(self, at: datetime, source: str, note: str | None = None) -> None:
        self._move(E.APPROVE, at, source, detail=note)

    def reject(self, reason: str, at: datetime, source: str) -> None:
        """Staff refuse a shipment in review: it is cancelled and goes nowhere."""
        if self._status is not S.PENDING_REVIEW:
            raise IllegalTransition(f"shipment {self.id} is {self._status}: only a shipment in review is rejected")
        self._move(E.CANCEL, at, source, detail=f"rejected: {reason}")

    def hold(self, reason: str, at: datetime, source: str) -> None:
        """Back to review before dispatch (e.g. it became high value)."""
        self._move(E.HOLD, at, source, detail=reason)

    def dispatch(self, dispatch_number: str, carrier: str, waybill: str | None, at: datetime,
                 source: str = "fulfillment") -> None:
        """Sent to the warehouse under `dispatch_number`, to go with `carrier` on `waybill`."""
        self._target(E.DISPATCH)
        self._use_number(dispatch_number)
        self._carrier, self._waybill, self._progress, self._attempt = carrier, waybill, S.DISPATCHED, None
        self._move(E.DISPATCH, at, source, detail=dispatch_number)

    def redispatch(self, dispatch_number: str, at: datetime, source: str, *, carrier: str | None = None,
                   waybill: str | None = None) -> None:
        """Re-review: the intercepted shipment goes to the warehouse again under a new number."""
        self._target(E.REDISPATCH)
        if self.has_shipped:
            raise IllegalTransition(f"shipment {self.id} has shipped: it comes back (return), it is not re-dispatched")
        self._use_number(dispatch_number)
        self._carrier, self._waybill = carrier or self._carrier, waybill or self._waybill
        self._progress, self._attempt = S.DISPATCHED, None
        self._move(E.REDISPATCH, at, source, detail=dispatch_number)

    def cancel(self, reason: str, at: datetime, source: str) -> None:
        """Before dispatch, or once the warehouse stopped it (intercepted, not shipped)."""
        self._target(E.CANCEL)
        if self.has_shipped:
            raise IllegalTransition(f"shipment {self.id} has shipped: it must come back (return), not be cancelled")
        self._move(E.CANCEL, at, source, detail=reason)

    # -- the warehouse's and the carrier's reports ----------------------------------------------
    def is_late(self, event: ShipmentEvent) -> bool:
        """A report for a stage the goods reached already (a duplicate, or one overtaken by a later
        report, e.g. `in_transit` after `signed`): recorded, never applied."""
        target = REPORTS.get(event)
        return target is not None and self._progress is not None and stage_rank(target) <= stage_rank(self._progress)

    def report(self, event: ShipmentEvent, at: datetime, source: str) -> bool:
        """Apply a WMS/TMS report; False when it is only recorded: late, or the shipment is being
        stopped (then how far the goods got is still noted in `progress`)."""
        if event not in REPORTS:
            raise IllegalTransition(f"{event} is not a warehouse or carrier report")
        if self.is_late(event):
            self._record(at, event, source, applied=False, detail="late")
            return False
        if self._status in STOPPED and self._progress is not None:
            self._advance(REPORTS[event])
            self._record(at, event, source, applied=False, detail=f"noted while {self._status}")
            return False
        self._move(event, at, source)
        self._advance(REPORTS[event])
        return True

    def _advance(self, stage: ShipmentStatus) -> None:
        """The goods reached `stage`; the first time they are past `shipped`, they left the warehouse."""
        shipped_before, self._progress = self.has_shipped, stage
        if self.has_shipped and not shipped_before:
            self._events.append(LeftWarehouse())

    # -- interception and return ----------------------------------------------------------------
    def request_interception(self, at: datetime, source: str) -> None:
        """Ask the warehouse (not shipped) or the carrier (shipped) to stop it; never once signed."""
        self._move(E.INTERCEPT, at, source)

    def interception_result(self, succeeded: bool, at: datetime, source: str) -> None:
        self._move(E.INTERCEPT_OK if succeeded else E.INTERCEPT_FAIL, at, source)

    def return_to_sender(self, at: datetime, source: str) -> None:
        """The carrier stopped the shipped parcel: it comes back to the warehouse."""
        self._target(E.RETURN)
        if not self.has_shipped:
            raise IllegalTransition(f"shipment {self.id} never left the warehouse: cancel it, nothing comes back")
        self._move(E.RETURN, at, source)

    def return_received(self, at: datetime, source: str) -> None:
        """The warehouse received the parcel back: its units are on hand again (CameBack)."""
        self._move(E.RETURN_RECEIVED, at, source)
        self._events.append(CameBack())

    # -- the table ------------------------------------------------------------------------------
    def _target(self, event: ShipmentEvent) -> ShipmentStatus:
        target = TRANSITIONS.get((self._status, event))
        if target is None:
            raise IllegalTransition(f"shipment {self.id} is {self._status}: it cannot {event}")
        return target

    def _move(self, event: ShipmentEvent, at: datetime, source: str, detail: str | None = None) -> None:
        before, self._status = self._status, self._target(event)
        self._history.append(HistoryEntry(at, self._status, event, source, True, detail))
        self._events.append(StatusChanged(before, self._status, event, at, source))

    def _record(self, at: datetime, event: ShipmentEvent, source: str, *, applied: bool = True,
                detail: str | None = None) -> None:
        self._history.append(HistoryEntry(at, self._status, event, source, applied, detail))

    def _use_number(self, dispatch_number: str) -> None:
        if not dispatch_number or dispatch_number in self._dispatch_numbers:
            raise IllegalTransition(f"shipment {self.id}: dispatch number {dispatch_number!r} is empty or used "
                                    "already (the warehouse refuses a number twice)")
        self._dispatch_numbers.append(dispatch_number)
