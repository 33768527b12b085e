"""The warehouse's returns desk: after-sales cases whose parcel the buyer sends back (issue 12).

Rules: a case's return is registered once (`POST /wms/returns`); registered again it may gain
its waybill (or a newer one) — anything else the same changes nothing, and other lines or
another warehouse are refused (409 `return_conflict`). A return goes expected → received →
inspected_ok | inspected_failed, each reported once by webhook (`case_return_received`,
`case_return_inspected` with `outcome` ok|failed and a `note`); inspecting a return not received
yet receives it first. Auto mode receives a return registered with a waybill at its next step and
inspects it ok at the step after; one decided through the control API is left alone.

Cancelled (`POST /wms/returns/{case_id}/cancel` `{send_back}`: the case no longer waits; once —
again, nothing changes): expected → `cancelled` (a parcel that arrives anyway is `held` for staff,
reported `case_return_received` with `held: true`); received or inspected failed → `sent_back` to
the buyer with `send_back` (reported `case_return_sent_back`), else `held`; inspected ok → nothing
to do (its status stays). A cancelled return is not registered again (409 `return_cancelled`),
not inspected (409 `return_cancelled`) and auto mode leaves it alone.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tradeflow_simulators.book import Book, Unwritten
from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.edge import ProviderError


class ReturnStatus(StrEnum):
    EXPECTED = "expected"
    RECEIVED = "received"
    INSPECTED_OK = "inspected_ok"
    INSPECTED_FAILED = "inspected_failed"
    CANCELLED = "cancelled"
    HELD = "held"
    SENT_BACK = "sent_back"


INSPECTED = (ReturnStatus.INSPECTED_OK, ReturnStatus.INSPECTED_FAILED)
AT_THE_DESK = (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED_FAILED)  # a parcel a cancel sends back or holds


class UnknownReturn(ProviderError):
    code, status = "return_not_found", 404


class ReturnConflict(ProviderError):
    code, status = "return_conflict", 409


class ReturnInspectedAlready(ProviderError):
    code, status = "return_inspected", 409


class ReturnCancelled(ProviderError):
    code, status = "return_cancelled", 409


@dataclass(frozen=True)
class ReturnLine:
    line_id: str
    sku: str
    quantity: int


@dataclass
class CaseReturn:
    case_id: str
    order_id: str
    warehouse: str
    lines: tuple[ReturnLine, ...]
    registered_at: datetime
    carrier: str | None = None
    waybill: str | None = None
    status: ReturnStatus = ReturnStatus.EXPECTED
    note: str = ""
    steered: bool = False  # decided through the control API: auto mode leaves it alone
    last_event_at: datetime | None = field(default=None, repr=False)
    cancelled_at: datetime | None = None  # the case no longer waits for it
    send_back: bool = False  # as the cancel asked

    def describe(self) -> dict:
        return {"case_id": self.case_id, "order_id": self.order_id, "warehouse": self.warehouse,
                "lines": [line.__dict__ for line in self.lines], "carrier": self.carrier, "waybill": self.waybill,
                "status": self.status.value, "note": self.note, "registered_at": self.registered_at.isoformat(),
                "cancelled_at": None if self.cancelled_at is None else self.cancelled_at.isoformat(),
                "send_back": self.send_back}


class ReturnsDesk:
    def __init__(self, clock: Callable[[], datetime], book: Book[CaseReturn] | None = None) -> None:
        self.clock, self.book = clock, book or Unwritten()
        self._returns: dict[str, CaseReturn] = {r.case_id: r for r in self.book.load()}

    def register(self, new: CaseReturn) -> tuple[CaseReturn, str]:
        """(the return as held, `created` | `updated` (it gained a waybill) | `unchanged`)."""
        held = self._returns.get(new.case_id)
        if held is None:
            self._returns[new.case_id] = new
            self.book.save(new)
            return new, "created"
        if held.cancelled_at is not None:
            raise ReturnCancelled(f"the return of case {new.case_id} was cancelled", case_id=new.case_id)
        if (held.order_id, held.warehouse, sorted(held.lines, key=_key)) != \
                (new.order_id, new.warehouse, sorted(new.lines, key=_key)):
            raise ReturnConflict(f"the return of case {new.case_id} was registered with other lines or another "
                                 "warehouse", case_id=new.case_id)
        if new.waybill is None or (new.waybill, new.carrier) == (held.waybill, held.carrier):
            return held, "unchanged"
        held.waybill, held.carrier = new.waybill, new.carrier or held.carrier
        self.book.save(held)
        return held, "updated"

    def get(self, case_id: str) -> CaseReturn:
        if (found := self._returns.get(case_id)) is None:
            raise UnknownReturn(f"no return of case {case_id} was registered", case_id=case_id)
        return found

    def decide(self, case_id: str, outcome: str, note: str = "") -> list[Notice]:
        """The control API: `receive`, `inspect_ok`, `inspect_fail`; auto mode leaves it alone after."""
        held = self.get(case_id)
        notices = self.receive(held) if outcome == "receive" else self.inspect(held, outcome == "inspect_ok", note)
        held.steered = True
        self.book.save(held)
        return notices

    def cancel(self, case_id: str, send_back: bool) -> tuple[list[Notice], str]:
        """(what is reported, `cancelled` | `held` | `sent_back` | `nothing_to_do` (inspected ok)
        | `unchanged` (cancelled before))."""
        held = self.get(case_id)
        if held.cancelled_at is not None:
            return [], "unchanged"
        held.cancelled_at, held.send_back, notices = self.clock(), send_back, []
        if held.status is ReturnStatus.EXPECTED:
            held.status = ReturnStatus.CANCELLED
        elif held.status in AT_THE_DESK and send_back:
            held.status = ReturnStatus.SENT_BACK
            notices.append(self._notice(held, "case_return_sent_back", waybill=held.waybill))
        elif held.status in AT_THE_DESK:
            held.status = ReturnStatus.HELD
        self.book.save(held)
        return notices, "nothing_to_do" if held.status is ReturnStatus.INSPECTED_OK else held.status.value

    def receive(self, held: CaseReturn) -> list[Notice]:
        """Received (once: again, or once inspected, nothing is reported); after its cancel it is
        held for staff (`held: true`)."""
        if held.status is ReturnStatus.CANCELLED:
            held.status = ReturnStatus.HELD
            notice = self._notice(held, "case_return_received", waybill=held.waybill, held=True)
            self.book.save(held)
            return [notice]
        if held.status is not ReturnStatus.EXPECTED:
            return []
        held.status = ReturnStatus.RECEIVED
        notice = self._notice(held, "case_return_received", waybill=held.waybill)
        self.book.save(held)
        return [notice]

    def inspect(self, held: CaseReturn, ok: bool, note: str = "") -> list[Notice]:
        """Inspected (received first if it was not); inspected already: 409 `return_inspected`;
        cancelled: 409 `return_cancelled` (a held parcel waits for staff)."""
        if held.cancelled_at is not None:
            raise ReturnCancelled(f"the return of case {held.case_id} was cancelled ({held.status})",
                                  return_status=held.status.value)
        if held.status in INSPECTED:
            raise ReturnInspectedAlready(f"the return of case {held.case_id} was inspected already ({held.status})",
                                         return_status=held.status.value)
        notices = self.receive(held)
        held.status = ReturnStatus.INSPECTED_OK if ok else ReturnStatus.INSPECTED_FAILED
        held.note = note or ("as described" if ok else "not as described")
        notices.append(self._notice(held, "case_return_inspected", outcome="ok" if ok else "failed", note=held.note))
        self.book.save(held)
        return notices

    def auto_step(self) -> list[Notice]:
        """Every return with a waybill, not steered: received, then inspected ok at the next step."""
        notices = []
        for held in list(self._returns.values()):
            if held.steered or held.waybill is None or held.status in INSPECTED or held.cancelled_at is not None:
                continue
            notices += self.receive(held) if held.status is ReturnStatus.EXPECTED else self.inspect(held, True)
        return notices

    def _notice(self, r: CaseReturn, kind: str, **fields) -> Notice:
        at = self.clock()
        if r.last_event_at is not None and at <= r.last_event_at:
            at = r.last_event_at + timedelta(microseconds=1)
        r.last_event_at = at
        common = {"case_id": r.case_id, "order_id": r.order_id, "warehouse": r.warehouse,
                  "lines": [line.__dict__ for line in r.lines]}
        return Notice(kind, r.case_id, common | fields, at)


def _key(line: ReturnLine) -> tuple[str, str, int]:
    return line.line_id, line.sku, line.quantity
