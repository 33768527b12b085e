"""A shipment ↔ its rows (shipments, shipment_lines, shipment_events)."""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Row

from tradeflow_fulfillment.domain.dispatching import DispatchAttempt
from tradeflow_fulfillment.domain.interception import Change, Interception
from tradeflow_fulfillment.domain.model import Flag, HistoryEntry, Receiver, ShipmentLine
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus


def shipment_values(s: Shipment) -> dict:
    """The columns of the shipments row that can change."""
    return {"receiver": asdict(s.receiver), "carrier": s.carrier, "status": s.status.value,
            "progress": s.progress.value if s.progress else None,
            "dispatch_number": s.dispatch_number, "dispatch_numbers": list(s.dispatch_numbers), "waybill": s.waybill,
            "flags": sorted(f.value for f in s.flags), "dispatch_after": s.dispatch_after,
            **_attempt_values(s.dispatch_attempt), "skipped_dispatch_numbers": list(s.skipped_dispatch_numbers),
            "interception": _interception_value(s.interception), "interception_due_at": s.interception_due_at,
            "awaiting_stock": list(s.awaiting_stock)}


def _interception_value(i: Interception | None) -> dict | None:
    if i is None:
        return None
    return {"orders": list(i.orders), "reason": i.reason, "requested_at": i.requested_at.isoformat(),
            "deadline": i.deadline.isoformat(), "by": i.by, "sent": i.sent,
            "retry_at": i.retry_at.isoformat() if i.retry_at else None, "tries": i.tries, "last_error": i.last_error,
            "change": None if i.change is None else {"receiver": asdict(i.change.receiver),
                                                     "carrier": i.change.carrier,
                                                     "split": [list(units) for units in i.change.split]},
            "cut": [list(units) for units in i.cut]}


def _interception_of(value: dict | None) -> Interception | None:
    if value is None:
        return None
    retry_at, change = value["retry_at"], value.get("change")
    return Interception(tuple(value["orders"]), value["reason"], datetime.fromisoformat(value["requested_at"]),
                        datetime.fromisoformat(value["deadline"]), value["by"], value["sent"],
                        datetime.fromisoformat(retry_at) if retry_at else None, value["tries"], value["last_error"],
                        None if change is None else Change(Receiver(**change["receiver"]), change["carrier"],
                                                           tuple((ln, n) for ln, n in change.get("split", ()))),
                        tuple((ln, n) for ln, n in value.get("cut", ())))


def _attempt_values(a: DispatchAttempt | None) -> dict:
    if a is None:
        return {"dispatch_attempt": None, "dispatch_retry_at": None}
    return {"dispatch_attempt": {"number": a.number, "tries": a.tries, "waybill": a.waybill,
                                 "last_error": a.last_error, "replaces_waybill": a.replaces_waybill},
            "dispatch_retry_at": a.retry_at}


def _attempt_of(row: Row) -> DispatchAttempt | None:
    a = row.dispatch_attempt
    return None if a is None else DispatchAttempt(a["number"], a["tries"], row.dispatch_retry_at, a["waybill"],
                                                  a["last_error"], a.get("replaces_waybill"))


def new_shipment_values(s: Shipment) -> dict:
    return {"id": s.id, "buyer_id": s.buyer_id, "warehouse": s.warehouse, "case_id": s.case_id,
            "planned_at": s.planned_at, **shipment_values(s)}


def line_values(s: Shipment) -> list[dict]:
    return [{"shipment_id": s.id, "position": i, **asdict(ln)} for i, ln in enumerate(s.lines)]


def event_values(shipment_id: str, entries: list[HistoryEntry]) -> list[dict]:
    return [{"shipment_id": shipment_id, "at": h.at, "status": h.status.value, "event": h.event.value,
             "source": h.source, "applied": h.applied, "detail": h.detail} for h in entries]


def shipment_of(row: Row, lines: list[Row], events: list[Row]) -> Shipment:
    return Shipment(
        id=row.id, buyer_id=row.buyer_id, receiver=Receiver(**row.receiver), warehouse=row.warehouse,
        carrier=row.carrier, status=ShipmentStatus(row.status), planned_at=row.planned_at,
        dispatch_after=row.dispatch_after, progress=ShipmentStatus(row.progress) if row.progress else None,
        dispatch_numbers=row.dispatch_numbers, waybill=row.waybill, flags=frozenset(Flag(f) for f in row.flags),
        lines=[ShipmentLine(ln.line_id, ln.order_id, ln.sub_order_id, ln.merchant_id, ln.sku, ln.quantity,
                            ln.paid_amount, ln.weight_grams, ln.volume_cm3, ln.fragile, ln.oversize) for ln in lines],
        history=[HistoryEntry(e.at, ShipmentStatus(e.status), ShipmentEvent(e.event), e.source, e.applied, e.detail)
                 for e in events],
        dispatch_attempt=_attempt_of(row), skipped_dispatch_numbers=row.skipped_dispatch_numbers,
        interception=_interception_of(row.interception), awaiting_stock=row.awaiting_stock, case_id=row.case_id)
