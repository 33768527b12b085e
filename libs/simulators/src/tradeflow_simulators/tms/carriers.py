"""The carriers' book (a transport management system for every carrier): the waybills they
issued, and where each parcel is. Held in memory and written through to a `WaybillBook` at each
change (`tms/book.py`, SQLite): a restarted simulator loads every waybill it had.

Rules: a waybill number is unique (for its carrier, and here for all of them); asking again for
a waybill for the same carrier and shipment with the same details returns the one issued
(a retried request makes no second parcel), with other details it is refused while that
waybill is live (409), and allowed again once it was intercepted or cancelled (voided before the
courier had the parcel). A parcel goes created →
picked_up → in_transit → out_for_delivery → signed; an interception may be asked until it is
signed (after that: 409) and is answered later by webhook. The parcel is in the carrier's hands
once the warehouse hands it over (at shipped), which is when auto mode starts moving it.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tradeflow_simulators.book import Book, Unwritten
from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.edge import ProviderError
from tradeflow_simulators.interception import Interception


class WaybillStatus(StrEnum):
    CREATED = "created"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    SIGNED = "signed"
    INTERCEPTED = "intercepted"
    CANCELLED = "cancelled"  # voided before the courier had the parcel (the shipper re-addressed it)


JOURNEY = (WaybillStatus.CREATED, WaybillStatus.PICKED_UP, WaybillStatus.IN_TRANSIT,
           WaybillStatus.OUT_FOR_DELIVERY, WaybillStatus.SIGNED)
FINAL = (WaybillStatus.SIGNED, WaybillStatus.INTERCEPTED, WaybillStatus.CANCELLED)


class UnknownWaybill(ProviderError):
    code, status = "waybill_not_found", 404


class ShipmentHasWaybill(ProviderError):
    code, status = "shipment_has_waybill", 409


class AlreadySigned(ProviderError):
    code, status = "waybill_signed", 409


class AlreadyIntercepted(ProviderError):
    code, status = "waybill_intercepted", 409


class NoInterceptionRequested(ProviderError):
    code, status = "no_interception_requested", 409


class AlreadyHandedOver(ProviderError):
    code, status = "waybill_handed_over", 409


@dataclass
class Waybill:
    waybill: str
    carrier: str
    shipment_id: str
    warehouse: str
    receiver: dict
    weight_grams: int
    created_at: datetime
    status: WaybillStatus = WaybillStatus.CREATED
    interception: Interception = Interception.NONE
    handed_over_at: datetime | None = None
    signed_at: datetime | None = None
    steered: bool = False  # events sent through the control API: auto mode leaves it alone
    last_event_at: datetime | None = field(default=None, repr=False)

    @property
    def request(self) -> tuple:
        return self.carrier, self.shipment_id, self.warehouse, self.receiver, self.weight_grams

    def describe(self) -> dict:
        return {"waybill": self.waybill, "carrier": self.carrier, "shipment_id": self.shipment_id,
                "warehouse": self.warehouse, "receiver": self.receiver, "weight_grams": self.weight_grams,
                "status": self.status.value, "interception": self.interception.value,
                "created_at": self.created_at.isoformat(),
                "handed_over_at": self.handed_over_at.isoformat() if self.handed_over_at else None,
                "signed_at": self.signed_at.isoformat() if self.signed_at else None}


def waybill_number(carrier: str) -> str:
    """The carrier's code (letters and digits, upper case) and 12 random digits, e.g. SF048213377095."""
    prefix = "".join(c for c in carrier.upper() if c.isalnum())[:6] or "WB"
    return f"{prefix}{secrets.randbelow(10**12):012d}"


class Carriers:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 numbers: Callable[[str], str] = waybill_number, book: Book[Waybill] | None = None) -> None:
        self.clock, self.numbers, self.book = clock, numbers, book or Unwritten()
        self._waybills: dict[str, Waybill] = {}
        self._live: dict[tuple[str, str], Waybill] = {}  # (carrier, shipment_id) → its live waybill
        for waybill in self.book.load():  # in the order issued: a shipment's live one is its last
            self._waybills[waybill.waybill] = waybill
            if waybill.status not in (WaybillStatus.INTERCEPTED, WaybillStatus.CANCELLED):
                self._live[(waybill.carrier, waybill.shipment_id)] = waybill

    def issue(self, carrier: str, shipment_id: str, warehouse: str, receiver: dict,
              weight_grams: int) -> tuple[Waybill, bool]:
        """The waybill and whether it is new (False: the same request was made before)."""
        if (live := self._live.get((carrier, shipment_id))) is not None:
            if live.request != (carrier, shipment_id, warehouse, receiver, weight_grams):
                raise ShipmentHasWaybill(
                    f"shipment {shipment_id} already has waybill {live.waybill} at {carrier} with other details; "
                    "intercept it before asking for another", waybill=live.waybill)
            return live, False
        number = self.numbers(carrier)
        while number in self._waybills:
            number = self.numbers(carrier)
        waybill = Waybill(number, carrier, shipment_id, warehouse, receiver, weight_grams, self.clock())
        self._waybills[number] = self._live[(carrier, shipment_id)] = waybill
        self.book.save(waybill)
        return waybill, True

    def cancel(self, number: str) -> Waybill:
        """Void a waybill the courier never had (once; again changes nothing): the shipment may
        then have another one, e.g. to a new address. 409 once handed over."""
        waybill = self.waybill(number)
        if waybill.handed_over_at is not None or waybill.status not in (WaybillStatus.CREATED,
                                                                        WaybillStatus.CANCELLED):
            raise AlreadyHandedOver(f"waybill {number} is {waybill.status}: the courier has the parcel, intercept it",
                                    waybill=number, waybill_status=waybill.status.value)
        waybill.status = WaybillStatus.CANCELLED
        if self._live.get((waybill.carrier, waybill.shipment_id)) is waybill:
            del self._live[(waybill.carrier, waybill.shipment_id)]
        self.book.save(waybill)
        return waybill

    def waybill(self, number: str) -> Waybill:
        if (found := self._waybills.get(number)) is None:
            raise UnknownWaybill(f"no waybill {number}", waybill=number)
        return found

    def hand_over(self, number: str) -> Waybill:
        """The warehouse gave the parcel to the courier (once; again changes nothing)."""
        waybill = self.waybill(number)
        if waybill.handed_over_at is None:
            waybill.handed_over_at = self.clock()
            self.book.save(waybill)
        return waybill

    def request_interception(self, number: str) -> Waybill:
        waybill = self.waybill(number)
        if waybill.status is WaybillStatus.SIGNED:
            raise AlreadySigned(f"waybill {number} was signed for; the buyer may return it",
                                signed_at=waybill.signed_at.isoformat())
        if waybill.interception in (Interception.NONE, Interception.FAILED):
            waybill.interception = Interception.REQUESTED
            self.book.save(waybill)
        return waybill

    def report(self, number: str, event: str) -> Notice:
        """One event as the control API says, in any order (the status only moves forward): a
        journey event, or the answer to an interception asked (`intercept_ok` / `intercept_fail`)."""
        waybill = self.waybill(number)
        notice = self._settle(waybill, event == "intercept_ok") if event.startswith("intercept") \
            else self._move(waybill, WaybillStatus(event))
        waybill.steered = True
        self.book.save(waybill)
        return notice

    def auto_step(self) -> list[Notice]:
        """Auto mode's tick: every waybill not taken over by the control API moves one step — an
        interception asked before it was signed succeeds; a parcel handed over moves on."""
        notices = []
        for waybill in list(self._waybills.values()):
            if waybill.steered or waybill.status in FINAL:
                continue
            if waybill.interception is Interception.REQUESTED:
                notices.append(self._settle(waybill, succeed=True))
            elif waybill.handed_over_at is not None:
                notices.append(self._move(waybill, JOURNEY[JOURNEY.index(waybill.status) + 1]))
            else:
                continue
            self.book.save(waybill)
        return notices

    def _move(self, waybill: Waybill, to: WaybillStatus) -> Notice:
        if waybill.status is WaybillStatus.INTERCEPTED:
            raise AlreadyIntercepted(f"waybill {waybill.waybill} was intercepted: the parcel goes no further")
        if JOURNEY and JOURNEY.index(to) > JOURNEY.index(waybill.status):
            waybill.status = to
        if to is not WaybillStatus.SIGNED:
            return self._notice(waybill, to.value)
        notice = self._notice(waybill, "signed")
        waybill.signed_at = waybill.signed_at or notice.occurred_at
        notice.fields["signed_at"] = notice.occurred_at.isoformat()
        return notice

    def _settle(self, waybill: Waybill, succeed: bool) -> Notice:
        if waybill.interception is not Interception.REQUESTED:
            raise NoInterceptionRequested(f"no interception of {waybill.waybill} is waiting for an answer",
                                          interception=waybill.interception.value)
        if not succeed:
            waybill.interception = Interception.FAILED
            return self._notice(waybill, "intercept_failed", reason="the parcel could not be stopped")
        if waybill.status is WaybillStatus.SIGNED:
            raise AlreadySigned(f"waybill {waybill.waybill} was signed for", signed_at=waybill.signed_at.isoformat())
        waybill.status, waybill.interception = WaybillStatus.INTERCEPTED, Interception.SUCCEEDED
        self._live.pop((waybill.carrier, waybill.shipment_id), None)
        return self._notice(waybill, "intercepted")

    def _notice(self, waybill: Waybill, kind: str, **fields) -> Notice:
        at = self.clock()
        if waybill.last_event_at is not None and at <= waybill.last_event_at:
            at = waybill.last_event_at + timedelta(microseconds=1)
        waybill.last_event_at = at
        common = {"waybill": waybill.waybill, "carrier": waybill.carrier, "shipment_id": waybill.shipment_id}
        return Notice(kind, waybill.waybill, common | fields, at)
