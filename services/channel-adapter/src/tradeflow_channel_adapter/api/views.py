"""Resources as the API shows them (API.md Channels): a channel's secret is never shown."""

from typing import Any

from tradeflow_channel_adapter.app.ports import ParkedNews, SyncCall
from tradeflow_channel_adapter.app.receipts import Receipt
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.ledger import ChannelOrder


def channel_view(channel: Channel, credit_used: int) -> dict[str, Any]:
    v, p, c = channel.vocabulary, channel.price_list, channel.controls
    remaining = None if c.credit_limit_amount is None else c.credit_limit_amount - credit_used
    return {"code": channel.code, "kind": channel.kind.value, "currency": channel.currency, "active": channel.active,
            "api_base_url": channel.api_base_url,
            "vocabulary": {"statuses": {w: s.value for w, s in v.statuses.items()}, "carriers": v.carriers,
                           "money": v.money.value, "address": v.address.value},
            "price_list": {"markup_bp": p.markup_bp, "explicit": p.explicit},
            "credit_limit_amount": c.credit_limit_amount, "credit_used_amount": credit_used,
            "credit_remaining_amount": remaining, "valid_from": c.valid_from, "valid_until": c.valid_until,
            "member_limit_amount": c.member_limit_amount}


def order_view(o: ChannelOrder) -> dict[str, Any]:
    n = o.news
    return {"id": o.id, "channel": o.channel, "external_order_id": n.external_order_id, "status": o.status.value,
            "source": o.source, "review": None if o.review_reason is None else {"reason": o.review_reason,
                                                                               "detail": o.review_detail},
            "order_id": o.order_id, "account_id": o.account_id, "member_id": n.member_id,
            "currency": n.currency, "credit_amount": o.credit_amount, "external_status": n.status.value,
            "lines": [{"external_line_id": ln.external_line_id, "channel_sku": ln.channel_sku,
                       "quantity": ln.quantity, "unit_price_amount": ln.unit_price_amount,
                       "paid_amount": ln.paid_amount, "line_id": o.line_ids.get(ln.external_line_id)}
                      for ln in n.lines]}


def change_view(p: ParkedNews) -> dict[str, Any]:
    return {"id": p.id, "kind": p.kind, "external_order_id": p.external_order_id, "status": p.status,
            "detail": p.detail, "case_id": p.case_id}


def receipt_view(r: Receipt) -> dict[str, Any]:
    return {"kind": r.kind, "external_order_id": r.external_order_id, "id": r.id or None, "status": r.status,
            "duplicate": r.duplicate, "reason": r.reason, "detail": r.detail}


def sync_view(s: SyncCall) -> dict[str, Any]:
    return {"id": s.id, "channel": s.channel, "channel_order_id": s.channel_order_id, "key": s.key,
            "status": s.status, "attempts": s.attempts, "last_error": s.last_error,
            "next_attempt_at": s.next_attempt_at, "acked_at": s.acked_at,
            "update": {"external_order_id": s.update.external_order_id, "status": s.update.status.value,
                       "shipment_id": s.update.shipment.shipment_id if s.update.shipment else None,
                       "waybill": s.update.shipment.waybill if s.update.shipment else None}}
