"""Shape B (`marketplace_pull`), a marketplace the platform polls: a signed feed of news records,
camelCase, money as integers of minor units (fen), the receiver's address split in fields, and its
own record types and status words.

`GET <shop>/api/orders?cursor=&limit=` → `{"records": [...], "nextCursor": "7", "hasMore": false}`;
a record's `seq` is its place in the feed and the cursor is the `seq` to read from (start: "0" or
none), so reading from an old cursor returns the same records again. Records:
* `ORDER_CREATED` — `order: {orderNo, status, memberId, mobile, currency, payTime (epoch ms),
  items: [{itemId, skuCode, qty, unitPrice, paidAmount}], receiver: {name, mobile, province, city,
  detail} | null}`;
* `ORDER_CANCELED` — `orderNo`, `cancelReason`;
* `ADDRESS_MODIFIED` — `orderNo`, `receiver`;
* `REFUND_COMPLETED` — `refund: {refundNo, orderNo, refundAmount, reason, items: [{itemId, qty}]}`.

Sync back: `POST <shop>/api/orderStatus` `{orderNo, status, shipment: {shipmentNo, carrierCode,
trackingNo, state, items: [{itemId, qty}]} | null, updatedAt}` → `{"code": 0, "message": "success",
"orderNo"}`.
"""

from tradeflow_simulators.market.shape_a import SyncRefused
from tradeflow_simulators.market.shop import Order, Refund, Shape, new_id

STATUSES = {"PAID": "paid", "SHIPPED": "shipped", "DELIVERED": "delivered", "COMPLETED": "completed",
            "CANCELED": "cancelled", "REFUNDED": "refunded"}
"""The shop's status words and the standard status each means (a channel's vocabulary)."""


def split(receiver: dict) -> dict:
    return {"name": receiver["name"], "mobile": receiver["phone"], "province": receiver["region"],
            "city": receiver["city"], "detail": receiver["address"]}


class ShapeB:
    kind = Shape.PULL
    sync_path = "orderStatus"
    statuses = STATUSES
    paid, cancelled = "PAID", "CANCELED"

    def new_order_id(self) -> str:
        return new_id("B")

    def line_id(self, order_id: str, index: int) -> str:
        return f"{order_id}-{index + 1}"

    def order_news(self, order: Order) -> dict:
        return {"type": "ORDER_CREATED", "order": {
            "orderNo": order.order_id, "status": order.status, "memberId": order.member_id, "mobile": order.phone,
            "currency": order.currency, "payTime": int(order.paid_at.timestamp() * 1000),
            "items": [{"itemId": line.line_id, "skuCode": line.channel_sku, "qty": line.quantity,
                       "unitPrice": line.unit_price_amount, "paidAmount": line.paid_amount} for line in order.lines],
            "receiver": split(order.receiver) if order.receiver else None}}

    def cancel_news(self, order: Order, reason: str) -> dict:
        return {"type": "ORDER_CANCELED", "orderNo": order.order_id, "cancelReason": reason}

    def address_news(self, order: Order) -> dict:
        return {"type": "ADDRESS_MODIFIED", "orderNo": order.order_id, "receiver": split(order.receiver or {})}

    def refund_news(self, refund: Refund) -> dict:
        return {"type": "REFUND_COMPLETED", "refund": {
            "refundNo": refund.refund_id, "orderNo": refund.order_id, "refundAmount": refund.amount,
            "reason": refund.reason, "items": [{"itemId": line_id, "qty": qty} for line_id, qty in refund.lines]}}

    def read_sync(self, body: object) -> tuple[str, str]:
        """(orderNo, status word) of a sync-back call, or 400 naming the field."""
        if not isinstance(body, dict) or not isinstance(body.get("orderNo"), str) or not body["orderNo"]:
            raise SyncRefused("orderNo is required", field="orderNo")
        if body.get("status") not in STATUSES:
            raise SyncRefused(f"status must be one of {sorted(STATUSES)}", field="status")
        shipment = body.get("shipment")
        if shipment is not None and not (isinstance(shipment, dict) and shipment.get("carrierCode")):
            raise SyncRefused("shipment needs a carrierCode", field="shipment.carrierCode")
        return body["orderNo"], body["status"]

    def ack(self, order_id: str) -> dict:
        return {"code": 0, "message": "success", "orderNo": order_id}
