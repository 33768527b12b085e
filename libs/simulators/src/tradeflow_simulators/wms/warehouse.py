"""The warehouse management system's book: the dispatch instructions it took, and what became
of them. Held in memory and written through to a `DispatchBook` at each change (`wms/book.py`,
SQLite): a restarted simulator loads every dispatch it had.

Rules a warehouse enforces whoever sends the instruction: a dispatch number is taken once —
the same number again is refused, even with the same body (it could be a second parcel); a
dispatch goes accepted → picked → packed → shipped; an interception may be asked until it has
shipped (after that: 409) and is answered later (intercepted, or intercept_failed) — never in
the reply; a dispatch that was intercepted ships no more. A shipped parcel that the carrier
brings back (intercepted after shipping) is received once (`return_received`): the carrier says
it is coming (`expect_return`) and auto mode receives it at its next step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tradeflow_simulators.book import Book, Unwritten
from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.edge import ProviderError
from tradeflow_simulators.interception import Interception


class DispatchStatus(StrEnum):
    ACCEPTED = "accepted"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    INTERCEPTED = "intercepted"
    RETURNED = "returned"  # a shipped parcel the carrier brought back, received at the warehouse


NEXT_STEP = {DispatchStatus.ACCEPTED: DispatchStatus.PICKED, DispatchStatus.PICKED: DispatchStatus.PACKED,
             DispatchStatus.PACKED: DispatchStatus.SHIPPED}


class UnknownDispatch(ProviderError):
    code, status = "dispatch_not_found", 404


class DuplicateDispatch(ProviderError):
    code, status = "duplicate_dispatch_number", 409


class AlreadyShipped(ProviderError):
    code, status = "dispatch_already_shipped", 409


class AlreadyIntercepted(ProviderError):
    code, status = "dispatch_intercepted", 409


class NoInterceptionRequested(ProviderError):
    code, status = "no_interception_requested", 409


class NotShipped(ProviderError):
    code, status = "dispatch_not_shipped", 409


@dataclass(frozen=True)
class DispatchLine:
    line_id: str
    sku: str
    quantity: int


@dataclass
class Dispatch:
    dispatch_number: str
    warehouse: str
    shipment_id: str
    carrier: str
    waybill: str
    receiver: dict
    lines: tuple[DispatchLine, ...]
    accepted_at: datetime
    status: DispatchStatus = DispatchStatus.ACCEPTED
    interception: Interception = Interception.NONE
    shipped_at: datetime | None = None
    silent: bool = False  # told to `ignore` it: the warehouse never reports on it again
    steered: bool = False  # decided through the control API: auto mode leaves it alone
    return_due: bool = False  # the carrier is bringing the shipped parcel back: auto mode receives it
    last_event_at: datetime | None = field(default=None, repr=False)

    def describe(self) -> dict:
        return {"dispatch_number": self.dispatch_number, "warehouse": self.warehouse,
                "shipment_id": self.shipment_id, "carrier": self.carrier, "waybill": self.waybill,
                "status": self.status.value, "interception": self.interception.value, "receiver": self.receiver,
                "lines": [line.__dict__ for line in self.lines], "accepted_at": self.accepted_at.isoformat(),
                "shipped_at": self.shipped_at.isoformat() if self.shipped_at else None}


class Warehouse:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 book: Book[Dispatch] | None = None) -> None:
        self.clock, self.book = clock, book or Unwritten()
        self._dispatches: dict[str, Dispatch] = {d.dispatch_number: d for d in self.book.load()}

    def accept(self, dispatch: Dispatch) -> Dispatch:
        if (earlier := self._dispatches.get(dispatch.dispatch_number)) is not None:
            raise DuplicateDispatch(
                f"dispatch number {dispatch.dispatch_number} was received before (at "
                f"{earlier.accepted_at.isoformat()}, now {earlier.status}); the warehouse takes each dispatch "
                "number once, also with the same body — a new instruction needs a new number",
                dispatch_number=dispatch.dispatch_number, dispatch_status=earlier.status.value)
        self._dispatches[dispatch.dispatch_number] = dispatch
        self.book.save(dispatch)
        return dispatch

    def dispatch(self, dispatch_number: str) -> Dispatch:
        if (found := self._dispatches.get(dispatch_number)) is None:
            raise UnknownDispatch(f"no dispatch {dispatch_number}", dispatch_number=dispatch_number)
        return found

    def request_interception(self, dispatch_number: str) -> Dispatch:
        """Ask to stop the dispatch; answered later by webhook. Asking again changes nothing."""
        dispatch = self.dispatch(dispatch_number)
        if dispatch.status is DispatchStatus.SHIPPED:
            raise AlreadyShipped(f"dispatch {dispatch_number} has shipped; ask the carrier to intercept the parcel",
                                 dispatch_status=dispatch.status.value, shipped_at=dispatch.shipped_at.isoformat())
        if dispatch.interception in (Interception.NONE, Interception.FAILED):
            dispatch.interception = Interception.REQUESTED
            self.book.save(dispatch)
        return dispatch

    def decide(self, dispatch_number: str, outcome: str) -> list[Notice]:
        """A decision of the control API (`ship`, `intercept_ok`, `intercept_fail`, `ignore`):
        the events it makes the warehouse report. From then on auto mode leaves the dispatch
        alone; after `ignore` the warehouse reports nothing more about it."""
        dispatch = self.dispatch(dispatch_number)
        if outcome == "ship":
            notices = self.ship(dispatch_number)
        elif outcome in ("intercept_ok", "intercept_fail"):
            notices = self.settle_interception(dispatch_number, succeed=outcome == "intercept_ok")
        elif outcome == "return_received":
            notices = self.receive_return(dispatch_number)
        else:
            notices = []
        dispatch.steered, dispatch.silent = True, outcome == "ignore"
        self.book.save(dispatch)
        return notices

    def ship(self, dispatch_number: str) -> list[Notice]:
        """Every step left to shipped: picked, packed, shipped (those not reported yet)."""
        dispatch = self.dispatch(dispatch_number)
        self._refuse_if_done(dispatch)
        notices = []
        while dispatch.status in NEXT_STEP:
            notices.append(self._step(dispatch))
        self.book.save(dispatch)
        return notices

    def receive_return(self, dispatch_number: str) -> list[Notice]:
        """The shipped parcel came back (the carrier stopped it) and is received: once."""
        dispatch = self.dispatch(dispatch_number)
        if dispatch.status is not DispatchStatus.SHIPPED:
            raise NotShipped(f"dispatch {dispatch_number} is {dispatch.status}: only a shipped parcel comes back",
                             dispatch_status=dispatch.status.value)
        dispatch.status, dispatch.return_due = DispatchStatus.RETURNED, False
        notice = self._notice(dispatch, "return_received", lines=[line.__dict__ for line in dispatch.lines])
        self.book.save(dispatch)
        return [notice]

    def expect_return(self, waybill: str) -> Dispatch:
        """The carrier is bringing back the parcel of `waybill` (it stopped it after the hand-over):
        the shipped dispatch of that waybill is received at auto mode's next step (a decided one
        waits for the control API). Told again, or once received: nothing changes."""
        of_waybill = [d for d in self._dispatches.values() if d.waybill == waybill]
        shipped = [d for d in of_waybill if d.status in (DispatchStatus.SHIPPED, DispatchStatus.RETURNED)]
        if not shipped:
            raise UnknownDispatch(f"no dispatch of waybill {waybill} has shipped", waybill=waybill,
                                  dispatch_numbers=[d.dispatch_number for d in of_waybill])
        dispatch = shipped[-1]
        if dispatch.status is DispatchStatus.SHIPPED and not dispatch.return_due:
            dispatch.return_due = True
            self.book.save(dispatch)
        return dispatch

    def settle_interception(self, dispatch_number: str, succeed: bool) -> list[Notice]:
        dispatch = self.dispatch(dispatch_number)
        if dispatch.interception is not Interception.REQUESTED:
            raise NoInterceptionRequested(f"no interception of {dispatch_number} is waiting for an answer",
                                          interception=dispatch.interception.value)
        if not succeed:
            dispatch.interception = Interception.FAILED
            reason = "the parcel had left" if dispatch.status is DispatchStatus.SHIPPED else "could not be stopped"
            notices = [self._notice(dispatch, "intercept_failed", reason=reason)]
        else:
            self._refuse_if_done(dispatch)
            dispatch.status, dispatch.interception = DispatchStatus.INTERCEPTED, Interception.SUCCEEDED
            notices = [self._notice(dispatch, "intercepted")]
        self.book.save(dispatch)
        return notices

    def auto_step(self) -> list[Notice]:
        """Auto mode's tick: every dispatch not taken over by the control API moves one step — an
        interception asked before it shipped succeeds, else the next of picked, packed, shipped;
        a shipped parcel the carrier is bringing back is received."""
        notices = []
        for dispatch in list(self._dispatches.values()):
            if dispatch.steered or dispatch.silent:
                continue
            if dispatch.status is DispatchStatus.SHIPPED and dispatch.return_due:
                notices += self.receive_return(dispatch.dispatch_number)
            elif dispatch.status not in NEXT_STEP:
                continue
            elif dispatch.interception is Interception.REQUESTED:
                notices += self.settle_interception(dispatch.dispatch_number, succeed=True)
            else:
                notices.append(self._step(dispatch))
                self.book.save(dispatch)
        return notices

    def _refuse_if_done(self, dispatch: Dispatch) -> None:
        if dispatch.status is DispatchStatus.SHIPPED:
            raise AlreadyShipped(f"dispatch {dispatch.dispatch_number} has shipped",
                                 dispatch_status=dispatch.status.value, shipped_at=dispatch.shipped_at.isoformat())
        if dispatch.status is DispatchStatus.INTERCEPTED:
            raise AlreadyIntercepted(f"dispatch {dispatch.dispatch_number} was intercepted",
                                     dispatch_status=dispatch.status.value)

    def _step(self, dispatch: Dispatch) -> Notice:
        dispatch.status = NEXT_STEP[dispatch.status]
        if dispatch.status is not DispatchStatus.SHIPPED:
            return self._notice(dispatch, dispatch.status.value)
        notice = self._notice(dispatch, "shipped", carrier=dispatch.carrier, waybill=dispatch.waybill,
                              lines=[line.__dict__ for line in dispatch.lines])
        dispatch.shipped_at = notice.occurred_at
        notice.fields["shipped_at"] = notice.occurred_at.isoformat()
        return notice

    def _notice(self, dispatch: Dispatch, kind: str, **fields) -> Notice:
        """An event about `dispatch`, later than the one before it (so `occurred_at` orders them)."""
        at = self.clock()
        if dispatch.last_event_at is not None and at <= dispatch.last_event_at:
            at = dispatch.last_event_at + timedelta(microseconds=1)
        dispatch.last_event_at = at
        common = {"dispatch_number": dispatch.dispatch_number, "shipment_id": dispatch.shipment_id,
                  "warehouse": dispatch.warehouse}
        return Notice(kind, dispatch.dispatch_number, common | fields, at)
