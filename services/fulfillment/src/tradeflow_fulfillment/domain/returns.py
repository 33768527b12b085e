"""The CaseReturn aggregate: an after-sales case's parcel the buyer sends back to a warehouse
(DOMAIN §5, issue 12).

* Expected once per case (`ExpectReturn`); expected again it may gain its waybill (or a newer
  one) — an identical repeat changes nothing; other lines or another warehouse are refused.
* The warehouse must hold what we expect: whenever the return is new or its waybill changed, its
  registration is due (`registration_due_at`) and the returns job sends it (leased while sent,
  backed off while the warehouse cannot be reached) until the warehouse holds the latest.
* expected → received → inspected_ok | inspected_failed, each once: a duplicate or late report
  changes nothing; an inspection reported before the receipt implies it (received first).
* Inspected ok, the units are restocked once (`restocks`: attributed to the shipments that
  carried them, see `attribute_restocks`).
* Cancelled once (`CancelExpectedReturn`: the case no longer waits; a repeat changes nothing):
  expected → `cancelled`; received or inspected failed → `held` for staff, or with `send_back`
  it stays as it is until the warehouse reports it `sent_back`; inspected ok (restocked) → the
  cancellation is only recorded (`moot`). Unless moot, the warehouse is told by the returns job
  (due like a registration, and never a registration after it). A cancel for a return never
  expected is kept (`cancelled_unexpected`, no lines) so a later ExpectReturn is ignored.
* A parcel that reaches the warehouse after the cancel is `held` (nothing published, nothing
  restocked); an inspection of a held parcel is only noted.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tradeflow_fulfillment.domain.errors import FulfillmentError


class ReturnStatus(StrEnum):
    EXPECTED = "expected"
    RECEIVED = "received"
    INSPECTED_OK = "inspected_ok"
    INSPECTED_FAILED = "inspected_failed"
    CANCELLED = "cancelled"  # no longer expected, nothing received
    HELD = "held"  # at the warehouse, after the case stopped waiting: for staff
    SENT_BACK = "sent_back"  # the warehouse sent it back to the buyer


STOPPED = (ReturnStatus.CANCELLED, ReturnStatus.HELD, ReturnStatus.SENT_BACK)


class ReturnConflict(FulfillmentError):
    """A case's return expected again with other lines or at another warehouse."""

    slug = "return-conflict"


@dataclass(frozen=True)
class ReturnUnits:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class ShippedUnits:
    """Units of an order line in one shipment: that it carried to the buyer (inventory deducted
    them there), or that were put back on hand through it (restocked)."""

    shipment_id: str
    warehouse: str
    line_id: str
    sub_order_id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class Registration:
    """What the warehouse holds of the return: nothing yet, or the return with `waybill`."""

    registered: bool = False
    waybill: str | None = None
    tries: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class Cancellation:
    """The case stopped waiting (`reason`); `moot`: nothing to tell the warehouse (inspected ok
    already); `told_at`: the warehouse took it; `sent_back_at`: it reported the parcel sent back."""

    reason: str
    send_back: bool
    at: datetime
    moot: bool = False
    told_at: datetime | None = None
    sent_back_at: datetime | None = None


@dataclass(frozen=True)
class WasReceived:
    at: datetime


@dataclass(frozen=True)
class WasInspected:
    at: datetime


class CaseReturn:
    def __init__(self, *, case_id: str, order_id: str, warehouse: str | None, lines: Iterable[ReturnUnits],
                 expected_at: datetime, carrier: str | None = None, waybill: str | None = None,
                 status: ReturnStatus = ReturnStatus.EXPECTED, registration: Registration = Registration(),
                 registration_due_at: datetime | None = None, received_at: datetime | None = None,
                 inspected_at: datetime | None = None, note: str = "", restocks: Iterable[ShippedUnits] = (),
                 cancellation: Cancellation | None = None) -> None:
        self.case_id, self.order_id, self.warehouse, self.expected_at = case_id, order_id, warehouse, expected_at
        self.lines = tuple(lines)
        self._carrier, self._waybill, self._status = carrier, waybill, ReturnStatus(status)
        self._registration, self._due_at = registration, registration_due_at
        self._received_at, self._inspected_at, self._note = received_at, inspected_at, note
        self._restocks, self._cancellation = tuple(restocks), cancellation
        self._events: list[WasReceived | WasInspected] = []

    carrier = property(lambda self: self._carrier)
    waybill = property(lambda self: self._waybill)
    status = property(lambda self: self._status)
    registration = property(lambda self: self._registration)
    registration_due_at = property(lambda self: self._due_at)
    received_at = property(lambda self: self._received_at)
    inspected_at = property(lambda self: self._inspected_at)
    note = property(lambda self: self._note)
    restocks = property(lambda self: self._restocks)
    cancellation = property(lambda self: self._cancellation)

    @classmethod
    def expect(cls, case_id: str, *, order_id: str, warehouse: str, lines: Iterable[ReturnUnits], at: datetime,
               carrier: str | None = None, waybill: str | None = None) -> "CaseReturn":
        lines = tuple(lines)
        if not lines or any(ln.quantity <= 0 for ln in lines):
            raise FulfillmentError(f"case {case_id}: a return needs units")
        return cls(case_id=case_id, order_id=order_id, warehouse=warehouse, lines=lines, expected_at=at,
                   carrier=carrier, waybill=waybill, registration_due_at=at)

    @classmethod
    def cancelled_unexpected(cls, case_id: str, *, order_id: str, reason: str, send_back: bool,
                             at: datetime) -> "CaseReturn":
        """A cancel came before any ExpectReturn: kept (no warehouse, no lines) so that one is
        ignored; the warehouse is still told (it may know the case from elsewhere: a 404 is fine)."""
        return cls(case_id=case_id, order_id=order_id, warehouse=None, lines=(), expected_at=at,
                   status=ReturnStatus.CANCELLED, registration_due_at=at,
                   cancellation=Cancellation(reason, send_back, at))

    def expect_again(self, *, order_id: str, warehouse: str, lines: Iterable[ReturnUnits], carrier: str | None,
                     waybill: str | None, at: datetime) -> bool:
        """A repeat: True when it brought a (new) waybill, then registered again."""
        if (order_id, warehouse, Counter(lines)) != (self.order_id, self.warehouse, Counter(self.lines)):
            raise ReturnConflict(f"case {self.case_id}: its return was expected with other lines, at "
                                 f"{self.warehouse}, for order {self.order_id}")
        if waybill is None or (waybill, carrier or self._carrier) == (self._waybill, self._carrier):
            return False
        self._waybill, self._carrier, self._due_at = waybill, carrier or self._carrier, at
        return True

    # -- the returns job --------------------------------------------------------------------
    def registration_leased(self, until: datetime) -> None:
        self._due_at = until

    def registered(self, waybill: str | None, at: datetime) -> None:
        """The warehouse holds the return with `waybill` (the one sent): up to date — unless another
        came meanwhile, then due again at `at` (the latest is always the last one sent)."""
        self._registration = Registration(True, waybill, self._registration.tries)
        self._due_at = None if waybill == self._waybill and not self.cancel_due else at

    def registration_failed(self, error: str, retry_at: datetime) -> None:
        r = self._registration
        self._registration, self._due_at = replace(r, tries=r.tries + 1, last_error=error), retry_at

    @property
    def cancel_due(self) -> bool:
        """What the returns job sends: the cancel (never a registration once cancelled)."""
        c = self._cancellation
        return c is not None and not c.moot and c.told_at is None

    def cancel(self, reason: str, send_back: bool, at: datetime) -> bool:
        """The case stops waiting; False (nothing changes) when it was cancelled before."""
        if self._cancellation is not None:
            return False
        moot = self._status is ReturnStatus.INSPECTED_OK
        self._cancellation = Cancellation(reason, send_back, at, moot=moot)
        if self._status is ReturnStatus.EXPECTED:
            self._status = ReturnStatus.CANCELLED
        elif self._status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED_FAILED) and not send_back:
            self._status = ReturnStatus.HELD
        if not moot and (self._due_at is None or self._due_at < at):
            self._due_at = at  # a leased or backed-off call comes back at its time, then sends the cancel
        return True

    def cancel_told(self, at: datetime) -> None:
        """The warehouse took the cancel (or never knew the return)."""
        self._cancellation = replace(self._cancellation, told_at=at)
        self._registration, self._due_at = replace(self._registration, last_error=None), None

    # -- the warehouse's reports ------------------------------------------------------------
    def receive(self, at: datetime, held: bool = False) -> bool:
        """Received; False (nothing changes) when it was before. After the cancel (or `held` by the
        warehouse) the parcel is held for staff: nothing to tell the case."""
        if self._status is ReturnStatus.CANCELLED or (held and self._status is ReturnStatus.EXPECTED):
            self._status, self._received_at = ReturnStatus.HELD, at
            return True
        if self._status is not ReturnStatus.EXPECTED:
            return False
        self._status, self._received_at = ReturnStatus.RECEIVED, at
        self._events.append(WasReceived(at))
        return True

    def inspect(self, ok: bool, note: str, at: datetime) -> bool:
        """Inspected (received first if that was not reported yet); False when it was before. A
        parcel the case no longer waits for is only noted (held: staff decide, nothing restocked)."""
        if self._status in STOPPED or self._cancellation is not None:
            if self._inspected_at is not None:
                return False
            self.receive(at, held=True)
            self._inspected_at, self._note = at, note
            return True
        if self._status in (ReturnStatus.INSPECTED_OK, ReturnStatus.INSPECTED_FAILED):
            return False
        self.receive(at)
        self._status = ReturnStatus.INSPECTED_OK if ok else ReturnStatus.INSPECTED_FAILED
        self._inspected_at, self._note = at, note
        self._events.append(WasInspected(at))
        return True

    def sent_back(self, at: datetime) -> bool:
        """The warehouse sent the parcel back to the buyer (as the cancel asked); False when it was
        reported before, or no cancel asked it."""
        c = self._cancellation
        if c is None or not c.send_back or self._status is ReturnStatus.SENT_BACK:
            return False
        self._status, self._cancellation = ReturnStatus.SENT_BACK, replace(c, sent_back_at=at)
        return True

    def restock(self, restocks: Iterable[ShippedUnits]) -> None:
        """The units inspected ok go back on hand through these shipments (once)."""
        if self._status is not ReturnStatus.INSPECTED_OK or self._restocks:
            raise FulfillmentError(f"case {self.case_id}: only a return inspected ok is restocked, once")
        self._restocks = tuple(restocks)

    def pull_events(self) -> list[WasReceived | WasInspected]:
        events, self._events = self._events, []
        return events


def attribute_restocks(returned: CaseReturn, carried: Iterable[ShippedUnits],
                       restocked_before: Iterable[ShippedUnits]) -> tuple[list[ShippedUnits], list[ReturnUnits]]:
    """(restocks, units no shipment can take back): each returned unit goes back through a shipment
    that carried its line and has not taken that many back already — those of the return's
    warehouse first, then the others, in the order given."""
    left = Counter()
    for c in carried:
        left[(c.shipment_id, c.line_id)] += c.quantity
    for r in restocked_before:
        left[(r.shipment_id, r.line_id)] -= r.quantity
    ordered = sorted(carried, key=lambda c: c.warehouse != returned.warehouse)
    restocks, unplaced = [], []
    for line in returned.lines:
        wanted = line.quantity
        for c in (c for c in ordered if c.line_id == line.line_id):
            take = min(wanted, left[(c.shipment_id, c.line_id)])
            if take > 0:
                left[(c.shipment_id, c.line_id)] -= take
                restocks.append(ShippedUnits(c.shipment_id, c.warehouse, c.line_id, c.sub_order_id, c.sku, take))
                wanted -= take
        if wanted:
            unplaced.append(ReturnUnits(line.line_id, line.sku, wanted))
    return restocks, unplaced
