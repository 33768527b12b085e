"""Shipments and entitlements as API.md shapes them."""

from dataclasses import asdict

from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.shipment import Shipment


def shipment_view(s: Shipment, merchant_id: str | None = None, *, internal: bool = False) -> dict:
    """The whole shipment; for a merchant only its own lines (a shipment may hold other
    merchants' goods of the same buyer), and the history without details (they name orders).
    `internal` (staff and system): also the receiver, the dispatch and the interception under way."""
    lines = [ln for ln in s.lines if merchant_id is None or ln.merchant_id == merchant_id]
    staff = {"receiver": asdict(s.receiver), "dispatch_attempt": _attempt_view(s),
             "interception": _interception_view(s)}
    return (staff if internal else {}) | {
        "id": s.id, "case_id": s.case_id, "order_id": lines[0].order_id if lines else s.order_id,
        "order_ids": list(dict.fromkeys(ln.order_id for ln in lines)),
        "sub_order_ids": list(dict.fromkeys(ln.sub_order_id for ln in lines)),
        "warehouse": s.warehouse, "carrier": s.carrier, "dispatch_number": s.dispatch_number,
        "dispatch_numbers": list(s.dispatch_numbers), "waybill": s.waybill, "status": s.status,
        "flags": sorted(s.flags), "weight_grams": s.weight_grams, "volume_cm3": s.volume_cm3,
        "planned_at": s.planned_at.isoformat(), "dispatch_after": s.dispatch_after.isoformat(),
        "awaiting_stock": bool(s.awaiting_stock),  # a pre-sale's goods still incoming: not dispatched until they arrive
        "lines": [{"line_id": ln.line_id, "order_id": ln.order_id, "sub_order_id": ln.sub_order_id, "sku": ln.sku,
                   "quantity": ln.quantity} for ln in lines],
        "events": [{"at": h.at.isoformat(), "status": h.status, "event": h.event, "source": h.source,
                    "applied": h.applied} | ({} if merchant_id else {"detail": h.detail}) for h in s.history],
    }


def _attempt_view(s: Shipment) -> dict | None:
    a = s.dispatch_attempt
    return None if a is None else {"dispatch_number": a.number, "tries": a.tries, "waybill": a.waybill,
                                   "last_error": a.last_error, "retry_at": a.retry_at.isoformat()}


def _interception_view(s: Shipment) -> dict | None:
    """A stop or a re-review under way: for which orders, asked of whom (`wms`, `tms`, or null
    while a dispatch settles), until when, sent or not."""
    i = s.interception
    if i is None:
        return None
    return {"orders": list(i.orders), "reason": i.reason, "by": i.by, "requested_at": i.requested_at.isoformat(),
            "deadline": i.deadline.isoformat(), "sent": i.sent, "tries": i.tries, "last_error": i.last_error,
            "new_receiver": asdict(i.change.receiver) if i.change else None}


def entitlement_view(e: Entitlement) -> dict:
    return {"id": e.id, "account": e.account, "sku": e.sku, "quantity": e.quantity, "order_id": e.order_id,
            "sub_order_id": e.sub_order_id, "line_id": e.line_id, "status": e.status,
            "granted_at": e.granted_at.isoformat(), "revoked_at": e.revoked_at.isoformat() if e.revoked_at else None,
            "revoke_reason": e.revoke_reason, "revoke_case_id": e.revoke_case_id}
