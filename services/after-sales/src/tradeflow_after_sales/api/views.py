"""The case as the API shows it (API.md "After-sales")."""

from tradeflow_after_sales.app.ports import CaseProgress
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import CaseLine


def case_view(case: AfterSalesCase, progress: CaseProgress | None = None) -> dict:
    parcel, attention, override = case.return_parcel, case.attention, case.override
    return {
        "id": case.id, "order_id": case.order_id, "buyer_id": case.buyer_id, "type": case.type.value,
        "status": case.status.value, "open": case.is_open, "currency": case.currency,
        "requested_by": case.requested_by.actor, "opened_at": case.opened_at.isoformat(),
        "lines": [_line(ln) for ln in case.lines],
        "refund_amount": case.refund_amount, "points_amount": case.points_amount,
        "refunded_amount": case.refunded_amount, "channel_refund_amount": case.channel_refund_amount,
        "reason": case.reason, "description": case.description, "evidence": list(case.evidence),
        "return_parcel": None if parcel is None else {"carrier": parcel.carrier, "waybill": parcel.waybill,
                                                      "reported_at": parcel.reported_at.isoformat()},
        "return_deadline": case.return_deadline.isoformat() if case.return_deadline else None,
        "return_to": {"warehouse": progress.return_warehouse} if progress and progress.return_warehouse else None,
        "replacement_shipment_id": case.replacement_shipment_id,
        "split_from": case.split_from, "continued_by": case.continued_by,
        "attention": None if attention is None else {"reason": attention.reason, "step": attention.step,
                                                     "status": attention.status.value,
                                                     "since": attention.since.isoformat()},
        "override": None if override is None else {"refund_amount": override.amount, "reason": override.reason,
                                                   "actor": override.actor, "at": override.at.isoformat()},
        "goodwill": [{"kind": g.kind.value, "amount": g.amount, "reason": g.reason, "actor": g.actor,
                      "at": g.at.isoformat(), "coupon_code": g.coupon_code} for g in case.goodwill],
        "history": [{"at": h.at.isoformat(), "from": h.from_status.value if h.from_status else None,
                     "to": h.to_status.value, "event": str(h.event), "actor": h.actor, "reason": h.reason}
                    for h in case.history],
    }


def _line(line: CaseLine) -> dict:
    refund, replacement = line.refund, line.replacement
    return {"line_id": line.line_id, "sku": line.sku, "quantity": line.quantity, "virtual": line.virtual,
            "refund": None if refund is None else {
                "amount": refund.amount, "goods_amount": refund.goods, "shipping_amount": refund.shipping,
                "points_amount": refund.points, "shipping_refunded": refund.shipping_refunded},
            "replacement": None if replacement is None else {"sku": replacement.sku,
                                                             "unit_price_amount": replacement.unit_price_amount}}
