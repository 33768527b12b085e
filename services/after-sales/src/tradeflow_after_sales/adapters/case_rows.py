"""An after-sales case ↔ its rows (`cases`, `case_lines`, `case_history`): the JSON shapes of the
values it is made of, and the aggregate rebuilt from them."""

from dataclasses import asdict
from datetime import datetime

from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import (
    Attention,
    CaseLine,
    Goodwill,
    GoodwillKind,
    HistoryEntry,
    LineRefund,
    RefundOverride,
    Replacement,
    Requester,
    RequesterKind,
    ReturnParcel,
)
from tradeflow_after_sales.domain.states import CaseStatus


def case_values(case: AfterSalesCase, now: datetime) -> dict:
    """What `save` writes (everything a method may change)."""
    return {
        "type": case.type.value, "status": case.status.value, "updated_at": now,
        "return_parcel": _json(case.return_parcel), "return_deadline": case.return_deadline,
        "attention": _json(case.attention), "override": _json(case.override),
        "goodwill": [_json(g) for g in case.goodwill], "refunded_amount": case.refunded_amount,
        "refund_id": case.refund_id, "replacement_shipment_id": case.replacement_shipment_id,
        "continued_by": case.continued_by,
    }


def new_case_values(case: AfterSalesCase, merchant_ids: list[str]) -> dict:
    return case_values(case, case.opened_at) | {
        "id": case.id, "order_id": case.order_id, "buyer_id": case.buyer_id, "merchant_ids": merchant_ids,
        "currency": case.currency, "reason": case.reason, "description": case.description,
        "evidence": list(case.evidence), "requested_by": {"kind": case.requested_by.kind.value,
                                                          "id": case.requested_by.id},
        "opened_at": case.opened_at, "before_shipment": case.before_shipment,
        "channel_refund_amount": case.channel_refund_amount, "split_from": case.split_from}


def line_rows(case: AfterSalesCase) -> list[dict]:
    return [{"case_id": case.id, "line_id": ln.line_id, "position": i, "sku": ln.sku, "quantity": ln.quantity,
             "virtual": ln.virtual, "refund": _json(ln.refund), "replacement": _json(ln.replacement)}
            for i, ln in enumerate(case.lines)]


def history_rows(case_id: str, entries: list[HistoryEntry]) -> list[dict]:
    return [{"case_id": case_id, "at": h.at, "from_status": h.from_status.value if h.from_status else None,
             "to_status": h.to_status.value, "event": str(h.event), "actor": h.actor, "reason": h.reason}
            for h in entries]


def case_of(row, lines: list, history: list) -> AfterSalesCase:
    requested_by = Requester(RequesterKind(row["requested_by"]["kind"]), row["requested_by"]["id"])
    return AfterSalesCase(
        id=row["id"], order_id=row["order_id"], buyer_id=row["buyer_id"], currency=row["currency"], type=row["type"],
        lines=[_line(ln) for ln in lines], reason=row["reason"], requested_by=requested_by,
        opened_at=row["opened_at"], status=CaseStatus(row["status"]), description=row["description"],
        evidence=row["evidence"], before_shipment=row["before_shipment"],
        channel_refund_amount=row["channel_refund_amount"],
        return_parcel=_parcel(row["return_parcel"]), return_deadline=row["return_deadline"],
        attention=_attention(row["attention"]), override=_override(row["override"]),
        goodwill=[_goodwill(g) for g in row["goodwill"]], refunded_amount=row["refunded_amount"],
        refund_id=row["refund_id"], replacement_shipment_id=row["replacement_shipment_id"],
        split_from=row["split_from"], continued_by=row["continued_by"],
        history=[HistoryEntry(h["at"], CaseStatus(h["from_status"]) if h["from_status"] else None,
                              CaseStatus(h["to_status"]), h["event"], h["actor"], h["reason"]) for h in history])


def _json(value) -> dict | None:
    if value is None:
        return None
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(value).items()}


def _line(row) -> CaseLine:
    refund, replacement = row["refund"], row["replacement"]
    return CaseLine(row["line_id"], row["sku"], row["quantity"], row["virtual"],
                    refund=LineRefund(**refund) if refund else None,
                    replacement=Replacement(**replacement) if replacement else None)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _parcel(j: dict | None) -> ReturnParcel | None:
    return None if j is None else ReturnParcel(j["carrier"], j["waybill"], _at(j["reported_at"]))


def _attention(j: dict | None) -> Attention | None:
    return None if j is None else Attention(j["reason"], CaseStatus(j["status"]), j["step"], _at(j["since"]))


def _override(j: dict | None) -> RefundOverride | None:
    return None if j is None else RefundOverride(j["amount"], j["reason"], j["actor"], _at(j["at"]))


def _goodwill(j: dict) -> Goodwill:
    return Goodwill(GoodwillKind(j["kind"]), j["amount"], j["reason"], j["actor"], _at(j["at"]), j.get("coupon_code"))
