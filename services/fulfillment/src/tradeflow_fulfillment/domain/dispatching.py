"""Dispatching a due shipment, and what the warehouse and the carrier report about it afterwards.
Half of the Shipment aggregate (`shipment.py`), kept apart from its table of moves.

Dispatch is a call to outside systems (a waybill from the carrier, the instruction to the
warehouse) made outside any transaction, so its intent is recorded first:
* `begin_dispatch` allocates the dispatch number and stores it with the attempt, leasing the
  shipment to one dispatcher until `retry_at`; a retry — after a failure, or after a crash between
  the call and its record — reuses the number and the waybill it already got, so the warehouse's
  "duplicate number" for this shipment means it holds our instruction (success), never a 2nd one;
* then one outcome is recorded: dispatched (`Shipment.dispatch`, or `redispatch` for a shipment
  intercepted and going again), `dispatch_failed` (the
  outside was unreachable: retried from `retry_at`), `dispatch_number_taken` (the warehouse holds
  the number for another shipment: never used, a new one at once) or `dispatch_refused` (refused
  for good: back to staff review with the reason).

Reports name what they are about — the warehouse a dispatch number, the carrier a waybill. One
about a former dispatch or waybill is recorded, not applied; one before the shipment is
recorded as dispatched is refused (NotDispatchedYet), so its sender delivers it again later.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import IllegalTransition, NotDispatchedYet
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
SOURCE = "fulfillment"
WAREHOUSE, CARRIER = "wms", "tms"  # the sources of reports in the history


@dataclass(frozen=True)
class DispatchAttempt:
    """A dispatch under way: its number, how often it was tried, the waybill it got, and until
    when it is leased to a dispatcher (or, after a failure, when it may be tried again)."""

    number: str
    tries: int
    retry_at: datetime
    waybill: str | None = None
    last_error: str | None = None
    replaces_waybill: str | None = None
    """Re-review: the waybill to void at the carrier before asking for one to the new receiver."""


class Dispatching:
    @property
    def dispatch_attempt(self: "Shipment") -> DispatchAttempt | None:
        return self._attempt

    @property
    def skipped_dispatch_numbers(self: "Shipment") -> tuple[str, ...]:
        """Numbers the warehouse held for other shipments: never used by this one."""
        return tuple(self._skipped_numbers)

    @property
    def next_dispatch_number(self: "Shipment") -> str:
        """The first `<id>-<n>` neither dispatched under nor held by the warehouse for another."""
        taken, n = {*self._dispatch_numbers, *self._skipped_numbers}, len(self._dispatch_numbers) + 1
        while f"{self.id}-{n}" in taken:
            n += 1
        return f"{self.id}-{n}"

    @property
    def awaits_redispatch(self: "Shipment") -> bool:
        """Stopped at the warehouse and to go again under a new number (what a cancelled order
        left of a merged shipment)."""
        return self._status is S.INTERCEPTED and not self.has_shipped and self._interception is None

    def can_begin_dispatch(self: "Shipment", now: datetime) -> bool:
        """Due — its goods on hand (`awaiting_stock.py`) — or to be dispatched again, and not leased to
        a dispatcher nor waiting to be retried."""
        due = self.is_due(now) and not self._awaiting
        return (due or self.awaits_redispatch) and (self._attempt is None or self._attempt.retry_at <= now)

    def begin_dispatch(self: "Shipment", now: datetime, lease: timedelta) -> DispatchAttempt:
        """Record the intent to dispatch now, under the attempt's number (a new one the first time)."""
        if not self.can_begin_dispatch(now):
            why = f"leased or waiting until {self._attempt.retry_at.isoformat()}" if self._attempt else "not due"
            raise IllegalTransition(f"shipment {self.id} is {self._status}, {why}: it cannot be dispatched now")
        keep = self._waybill if self._status is S.INTERCEPTED else None  # going again to the same receiver
        last = self._attempt or DispatchAttempt(self.next_dispatch_number, 0, now, waybill=keep)
        self._attempt = replace(last, tries=last.tries + 1, retry_at=now + lease)
        return self._attempt

    def dispatch_failed(self: "Shipment", number: str, error: str, retry_at: datetime,
                        waybill: str | None = None) -> None:
        """The outside could not be reached: try again from `retry_at`, same number, same waybill."""
        attempt = self._attempt_for(number)
        self._attempt = replace(attempt, waybill=waybill or attempt.waybill, last_error=error, retry_at=retry_at)

    def dispatch_number_taken(self: "Shipment", number: str, now: datetime, waybill: str | None = None) -> None:
        """The warehouse holds `number` for another shipment: skip it, and try a new one at once."""
        attempt = self._attempt_for(number)
        self._skipped_numbers.append(number)
        self._attempt = replace(attempt, number=self.next_dispatch_number, waybill=waybill or attempt.waybill,
                                last_error=f"the warehouse holds dispatch number {number} for another shipment",
                                retry_at=now)

    def dispatch_refused(self: "Shipment", number: str, reason: str, at: datetime) -> None:
        """The carrier or the warehouse refused the shipment for good: staff review it again."""
        self._attempt_for(number)
        self._attempt = None
        self.hold(f"dispatch refused: {reason}", at, SOURCE)

    def _attempt_for(self: "Shipment", number: str) -> DispatchAttempt:
        if self._attempt is None or self._attempt.number != number or self._status not in (S.READY, S.INTERCEPTED):
            raise IllegalTransition(f"shipment {self.id} has no dispatch attempt {number} under way")
        return self._attempt

    # -- reports about a dispatch or a waybill --------------------------------------------------
    def warehouse_report(self: "Shipment", dispatch_number: str, event: ShipmentEvent, at: datetime) -> bool:
        """The warehouse's report about `dispatch_number`; True when it moved the shipment."""
        return self._report_about("dispatch", dispatch_number, self.dispatch_number, event, at, WAREHOUSE)

    def carrier_report(self: "Shipment", waybill: str, event: ShipmentEvent, at: datetime) -> bool:
        """The carrier's report about `waybill`; True when it moved the shipment."""
        return self._report_about("waybill", waybill, self.waybill, event, at, CARRIER)

    def _report_about(self: "Shipment", what: str, reference: str, current: str | None, event: ShipmentEvent,
                      at: datetime, source: str) -> bool:
        if self.dispatch_number is None:
            raise NotDispatchedYet(f"shipment {self.id} is {self._status}, not dispatched yet: {source} reports "
                                   f"{event} about {what} {reference} too early")
        if reference != current:
            self._record(at, event, source, applied=False, detail=f"about {what} {reference}, not {current}")
            return False
        if event in (E.INTERCEPT_OK, E.INTERCEPT_FAIL):
            return self._answer_interception(event is E.INTERCEPT_OK, at, source)
        if event is E.RETURN_RECEIVED:
            return self._receive_return(at, source)
        return self.report(event, at, source)

    def _receive_return(self: "Shipment", at: datetime, source: str) -> bool:
        if self._status is not S.RETURNING:
            detail = "received back already" if self._status is S.RETURNED else "no parcel was coming back"
            self._record(at, E.RETURN_RECEIVED, source, applied=False, detail=detail)
            return False
        self.return_received(at, source)
        return True

    def _answer_interception(self: "Shipment", succeeded: bool, at: datetime, source: str) -> bool:
        if succeeded and self.stop_given_up:
            return self.stopped_late(at, source)
        if self._status is not S.INTERCEPTING:
            event = E.INTERCEPT_OK if succeeded else E.INTERCEPT_FAIL
            self._record(at, event, source, applied=False, detail="no interception was waiting")
            return False
        self.interception_result(succeeded, at, source)
        return True
