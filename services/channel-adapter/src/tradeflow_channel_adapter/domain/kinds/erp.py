"""Kind `erp` (shape C, an ERP in front of marketplaces, 聚水潭/旺店通 style): it pushes each news
as a signed webhook, a JSON object whose `Method` says what it is; PascalCase fields; money in the
channel's format (decimal strings of yuan, "12.50", as the marketplace simulator's shape C); the
receiver a `Receiver` object, its address split (`State`, `City`, `Address`) or joined in `Address`
when the channel is so configured. Every line names both the marketplace's SKU (`ShopSkuId`, the
channel SKU) and the ERP's own goods code (`GoodsCode`): a line is mapped by its shop SKU, else
through its goods code.

* `order.paid` → ExternalOrder: `SoId`, `ShopStatus`, `BuyerId` (the member), `Mobile` (the buyer's,
  optional), `Currency`, `PayDate` ("YYYY-MM-DD hh:mm:ss", Beijing time, optional), `Items:
  [{OuterOiId, ShopSkuId, GoodsCode, Qty, Price, Amount}]` (`Price` per unit, `Amount` paid for the
  line), `Receiver: {Name, Mobile, State, City, Address} | null` (null for virtual goods);
* `order.cancel` → ExternalCancellation: `SoId`, `Remark` (optional);
* `order.address` → ExternalAddressChange: `SoId`, `Receiver`;
* `refund.success` → ExternalRefund: `AsId` (the ERP's after-sale id), `SoId`, `RefundAmount`,
  `Reason` (optional), `Items: [{OuterOiId, Qty}]`.

Sync back: `POST /api/order.logistics` (below the channel's `api_base_url`) with `{SoId, ShopStatus
(the channel's word), Logistics: {LcName (the channel's carrier word), LId (waybill), ShipmentId,
State, Items: [{OuterOiId, Qty}]} | null, ModifiedDate}`.
"""

from collections.abc import Mapping
from typing import Any

from tradeflow_channel_adapter.domain.channel import Kind, Vocabulary
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import (
    ChannelNews,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalLine,
    ExternalOrder,
    ExternalRefund,
    FieldNames,
    RefundedLine,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds.fields import (
    BEIJING,
    TIME_FORMAT,
    AddressKeys,
    at,
    beijing_time,
    items,
    mapping,
    money,
    optional_text,
    quantity,
    receiver,
    text,
)
from tradeflow_channel_adapter.domain.kinds.marketplace_push import MarketplacePush

RECEIVER = AddressKeys("Name", "Mobile", "State", "City", "Address")
ORDER_NAMES = FieldNames(phone="Mobile", currency="Currency", lines="Items", line_id="Items.{i}.OuterOiId",
                         quantity="Items.{i}.Qty", paid_amount="Items.{i}.Amount")
REFUND_NAMES = FieldNames(lines="Items", line_id="Items.{i}.OuterOiId", quantity="Items.{i}.Qty", amount="RefundAmount")
METHODS = "order.paid, order.cancel, order.address or refund.success"


def read_order(body: Mapping[str, Any], vocabulary: Vocabulary) -> ExternalOrder:
    return ExternalOrder(
        external_order_id=text(body, "SoId"), status=vocabulary.status(body.get("ShopStatus"), "ShopStatus"),
        member_id=text(body, "BuyerId"), phone=optional_text(body, "Mobile"), currency=text(body, "Currency"),
        lines=[read_line(line, at("Items", i), vocabulary) for i, line in enumerate(items(body, "Items"))],
        receiver=None if body.get("Receiver") is None else read_receiver(body, vocabulary),
        paid_at=beijing_time(body, "PayDate"), names=ORDER_NAMES)


def read_line(value: object, where: str, vocabulary: Vocabulary) -> ExternalLine:
    line = mapping(value, where)
    return ExternalLine(external_line_id=text(line, "OuterOiId", where), channel_sku=text(line, "ShopSkuId", where),
                        quantity=quantity(line.get("Qty"), at(where, "Qty")),
                        unit_price_amount=money(vocabulary, line.get("Price"), at(where, "Price")),
                        paid_amount=money(vocabulary, line.get("Amount"), at(where, "Amount")),
                        erp_code=text(line, "GoodsCode", where))


def read_receiver(body: Mapping[str, Any], vocabulary: Vocabulary):
    return receiver(mapping(body.get("Receiver"), "Receiver"), "Receiver", RECEIVER, vocabulary)


def read_refund(body: Mapping[str, Any], vocabulary: Vocabulary) -> ExternalRefund:
    lines = []
    for i, value in enumerate(items(body, "Items")):
        where = at("Items", i)
        line = mapping(value, where)
        lines.append(RefundedLine(text(line, "OuterOiId", where), quantity(line.get("Qty"), at(where, "Qty"))))
    return ExternalRefund(external_refund_id=text(body, "AsId"), external_order_id=text(body, "SoId"),
                          lines=lines, amount=money(vocabulary, body.get("RefundAmount"), "RefundAmount"),
                          reason=optional_text(body, "Reason") or "refunded on the channel", names=REFUND_NAMES)


def read_method(body: Mapping[str, Any], vocabulary: Vocabulary) -> ChannelNews:
    method = body.get("Method")
    if method == "order.paid":
        return read_order(body, vocabulary)
    if method == "order.cancel":
        return ExternalCancellation(text(body, "SoId"), optional_text(body, "Remark") or "cancelled on the channel")
    if method == "order.address":
        return ExternalAddressChange(text(body, "SoId"), read_receiver(body, vocabulary))
    if method == "refund.success":
        return read_refund(body, vocabulary)
    raise BadNews("Method", f"unknown method {method!r:.60}; expected {METHODS}")


class Erp(MarketplacePush):
    """Pushes like `marketplace_push` (and so refuses a feed and CSV rows the same way), in its own words."""

    kind = Kind.ERP

    def read_push(self, body: Any, vocabulary: Vocabulary) -> list[ChannelNews]:
        """One webhook is one news."""
        return [read_method(mapping(body, "body"), vocabulary)]

    def sync_request(self, update: SyncUpdate, vocabulary: Vocabulary) -> tuple[str, dict[str, Any]]:
        shipment = update.shipment
        logistics = None if shipment is None else {
            "LcName": vocabulary.carrier(shipment.carrier), "LId": shipment.waybill,
            "ShipmentId": shipment.shipment_id, "State": shipment.status,
            "Items": [{"OuterOiId": line_id, "Qty": units} for line_id, units in shipment.lines]}
        modified = update.at.astimezone(BEIJING).strftime(TIME_FORMAT) if update.at else None
        return "/api/order.logistics", {"SoId": update.external_order_id,
                                        "ShopStatus": vocabulary.status_word(update.status),
                                        "Logistics": logistics, "ModifiedDate": modified}
