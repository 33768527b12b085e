"""Shape A (`marketplace_push`), a Taobao-like marketplace: it pushes each news as a signed webhook
to the platform, snake_case, money as decimal strings of yuan ("12.50"), the receiver's address as
one joined line "<region> <city> <street address>", and its own event and status words.

Webhook bodies (each `msg_id` is the push's id; a duplicate push repeats it):
* `TradeBuyerPay` — a paid order: `tid`, `status`, `buyer_open_uid`, `receiver_mobile` (the shape's
  one mobile: the order's phone, else its receiver's; null when neither was left), `currency`,
  `pay_time` ("YYYY-MM-DD hh:mm:ss", Beijing time), `receiver_name` and `receiver_address` (null
  for virtual goods), `orders: [{oid, outer_sku_id, num, price, payment}]` (`price` per unit,
  `payment` paid for the line);
* `TradeClose` — the order was closed before it was fulfilled: `tid`, `status`, `close_reason`;
* `TradeLogisticsAddressChanged` — `tid`, `receiver_name`, `receiver_mobile`, `receiver_address`;
* `RefundSuccess` — `refund_id`, `tid`, `refund_fee`, `reason`, `items: [{oid, num}]`.

Sync back: `POST <shop>/api/logistics` `{tid, status, logistics: {company_code, out_sid, ship_id,
state, items: [{oid, num}]} | null, modified}` → `{"is_success": true, "tid"}`.
"""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from tradeflow_simulators.edge import ProviderError
from tradeflow_simulators.market.shop import Order, Refund, Shape, new_id

BEIJING = timezone(timedelta(hours=8))
STATUSES = {"WAIT_SELLER_SEND_GOODS": "paid", "WAIT_BUYER_CONFIRM_GOODS": "shipped",
            "TRADE_BUYER_SIGNED": "delivered", "TRADE_FINISHED": "completed", "TRADE_CLOSED": "cancelled",
            "TRADE_CLOSED_BY_REFUND": "refunded"}
"""The shop's status words and the standard status each means (a channel's vocabulary)."""


class SyncRefused(ProviderError):
    code, status = "invalid_request", 400


def yuan(amount: int) -> str:
    return f"{Decimal(amount) / 100:.2f}"


def joined(receiver: dict) -> str:
    return f"{receiver['region']} {receiver['city']} {receiver['address']}"


def beijing_time(at: datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


class ShapeA:
    kind = Shape.PUSH
    sync_path = "logistics"
    statuses = STATUSES
    paid, cancelled = "WAIT_SELLER_SEND_GOODS", "TRADE_CLOSED"
    push_keys = ("msg_id", "event")
    """Where a push names its id and what it is."""

    def new_order_id(self) -> str:
        return new_id("3")

    def line_id(self, order_id: str, index: int) -> str:
        return f"{order_id}{index + 1:02d}"

    def order_news(self, order: Order) -> dict:
        receiver = order.receiver
        return {"msg_id": new_id("msg"), "event": "TradeBuyerPay", "tid": order.order_id, "status": order.status,
                "buyer_open_uid": order.member_id,
                "receiver_mobile": order.phone or (receiver["phone"] if receiver else None),
                "currency": order.currency, "pay_time": beijing_time(order.paid_at),
                "receiver_name": receiver["name"] if receiver else None,
                "receiver_address": joined(receiver) if receiver else None,
                "orders": [{"oid": line.line_id, "outer_sku_id": line.channel_sku, "num": line.quantity,
                            "price": yuan(line.unit_price_amount), "payment": yuan(line.paid_amount)}
                           for line in order.lines]}

    def cancel_news(self, order: Order, reason: str) -> dict:
        return {"msg_id": new_id("msg"), "event": "TradeClose", "tid": order.order_id, "status": order.status,
                "close_reason": reason}

    def address_news(self, order: Order) -> dict:
        receiver = order.receiver or {}
        return {"msg_id": new_id("msg"), "event": "TradeLogisticsAddressChanged", "tid": order.order_id,
                "receiver_name": receiver["name"], "receiver_mobile": receiver["phone"],
                "receiver_address": joined(receiver)}

    def refund_news(self, refund: Refund) -> dict:
        return {"msg_id": new_id("msg"), "event": "RefundSuccess", "refund_id": refund.refund_id,
                "tid": refund.order_id, "refund_fee": yuan(refund.amount), "reason": refund.reason,
                "items": [{"oid": line_id, "num": quantity} for line_id, quantity in refund.lines]}

    def read_sync(self, body: object) -> tuple[str, str]:
        """(tid, status word) of a sync-back call, or 400 naming the field."""
        if not isinstance(body, dict) or not isinstance(body.get("tid"), str) or not body["tid"]:
            raise SyncRefused("tid is required", field="tid")
        if body.get("status") not in STATUSES:
            raise SyncRefused(f"status must be one of {sorted(STATUSES)}", field="status")
        logistics = body.get("logistics")
        if logistics is not None and not (isinstance(logistics, dict) and logistics.get("company_code")):
            raise SyncRefused("logistics needs a company_code", field="logistics.company_code")
        return body["tid"], body["status"]

    def ack(self, order_id: str) -> dict:
        return {"is_success": True, "tid": order_id, "modified": beijing_time(datetime.now(UTC))}
