"""Shape C (`erp`), an ERP in front of marketplaces (聚水潭/旺店通 style): it pushes each news as a
signed webhook to the platform, like shape A, but PascalCase, money as decimal strings of yuan
("12.50"), the receiver as a `Receiver` object with its address split, its own method and status
words — and every line names both the marketplace's SKU (`ShopSkuId`) and the ERP's goods code
(`GoodsCode`; the shop SKU itself when the order's line gave none).

Webhook bodies (each `MsgId` is the push's id; a duplicate push repeats it):
* `order.paid` — a paid order: `SoId`, `ShopStatus`, `BuyerId`, `Mobile` (the order's phone, else
  its receiver's; null when neither was left), `Currency`, `PayDate` ("YYYY-MM-DD hh:mm:ss", Beijing
  time), `Items: [{OuterOiId, ShopSkuId, GoodsCode, Qty, Price, Amount}]` (`Price` per unit,
  `Amount` paid for the line), `Receiver: {Name, Mobile, State, City, Address} | null`;
* `order.cancel` — `SoId`, `ShopStatus`, `Remark`;
* `order.address` — `SoId`, `Receiver`;
* `refund.success` — `AsId`, `SoId`, `RefundAmount`, `Reason`, `Items: [{OuterOiId, Qty}]`.

Sync back: `POST <shop>/api/order.logistics` `{SoId, ShopStatus, Logistics: {LcName, LId,
ShipmentId, State, Items: [{OuterOiId, Qty}]} | null, ModifiedDate}` → `{"Code": 0, "Msg": "ok",
"SoId"}`.
"""

from datetime import UTC, datetime

from tradeflow_simulators.market.shape_a import SyncRefused, beijing_time, yuan
from tradeflow_simulators.market.shop import Order, Refund, Shape, new_id

STATUSES = {"WaitSend": "paid", "Sent": "shipped", "Signed": "delivered", "Finished": "completed",
            "Cancelled": "cancelled", "Refunded": "refunded"}
"""The ERP's status words and the standard status each means (a channel's vocabulary)."""


def receiver_of(receiver: dict) -> dict:
    return {"Name": receiver["name"], "Mobile": receiver["phone"], "State": receiver["region"],
            "City": receiver["city"], "Address": receiver["address"]}


class ShapeC:
    kind = Shape.ERP
    sync_path = "order.logistics"
    statuses = STATUSES
    paid, cancelled = "WaitSend", "Cancelled"
    push_keys = ("MsgId", "Method")
    """Where a push names its id and what it is."""

    def new_order_id(self) -> str:
        return new_id("SO")

    def line_id(self, order_id: str, index: int) -> str:
        return f"{order_id}-{index + 1}"

    def order_news(self, order: Order) -> dict:
        receiver = order.receiver
        return {"MsgId": new_id("msg"), "Method": "order.paid", "SoId": order.order_id, "ShopStatus": order.status,
                "BuyerId": order.member_id, "Mobile": order.phone or (receiver["phone"] if receiver else None),
                "Currency": order.currency, "PayDate": beijing_time(order.paid_at),
                "Receiver": receiver_of(receiver) if receiver else None,
                "Items": [{"OuterOiId": line.line_id, "ShopSkuId": line.channel_sku,
                           "GoodsCode": line.goods_code or line.channel_sku, "Qty": line.quantity,
                           "Price": yuan(line.unit_price_amount), "Amount": yuan(line.paid_amount)}
                          for line in order.lines]}

    def cancel_news(self, order: Order, reason: str) -> dict:
        return {"MsgId": new_id("msg"), "Method": "order.cancel", "SoId": order.order_id,
                "ShopStatus": order.status, "Remark": reason}

    def address_news(self, order: Order) -> dict:
        return {"MsgId": new_id("msg"), "Method": "order.address", "SoId": order.order_id,
                "Receiver": receiver_of(order.receiver or {})}

    def refund_news(self, refund: Refund) -> dict:
        return {"MsgId": new_id("msg"), "Method": "refund.success", "AsId": refund.refund_id,
                "SoId": refund.order_id, "RefundAmount": yuan(refund.amount), "Reason": refund.reason,
                "Items": [{"OuterOiId": line_id, "Qty": quantity} for line_id, quantity in refund.lines]}

    def read_sync(self, body: object) -> tuple[str, str]:
        """(SoId, status word) of a sync-back call, or 400 naming the field."""
        if not isinstance(body, dict) or not isinstance(body.get("SoId"), str) or not body["SoId"]:
            raise SyncRefused("SoId is required", field="SoId")
        if body.get("ShopStatus") not in STATUSES:
            raise SyncRefused(f"ShopStatus must be one of {sorted(STATUSES)}", field="ShopStatus")
        logistics = body.get("Logistics")
        if logistics is not None and not (isinstance(logistics, dict) and logistics.get("LcName")):
            raise SyncRefused("Logistics needs an LcName", field="Logistics.LcName")
        return body["SoId"], body["ShopStatus"]

    def ack(self, order_id: str) -> dict:
        return {"Code": 0, "Msg": "ok", "SoId": order_id, "ModifiedDate": beijing_time(datetime.now(UTC))}
