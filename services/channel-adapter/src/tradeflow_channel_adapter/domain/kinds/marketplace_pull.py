"""Kind `marketplace_pull` (shape B): a marketplace whose feed we read page by page with a cursor;
camelCase fields; money in the channel's format (integers of minor units, fen, as the marketplace
simulator's `shopb`); the receiver's address split in fields, or joined in `detail` when the
channel is so configured.

Feed: `GET /api/orders?cursor=<cursor>&limit=20` (below the channel's `api_base_url`; from "0" when
we have no cursor) → `{records: [{seq, type, …}], nextCursor, hasMore}`. Records:
* `ORDER_CREATED` → ExternalOrder from `order: {orderNo, status, memberId, mobile (optional),
  currency, payTime (epoch ms, optional), items: [{itemId, skuCode, qty, unitPrice, paidAmount}],
  receiver: {name, mobile, province, city, detail} | null}`;
* `ORDER_CANCELED` → ExternalCancellation: `orderNo`, `cancelReason` (optional);
* `ADDRESS_MODIFIED` → ExternalAddressChange: `orderNo`, `receiver`;
* `REFUND_COMPLETED` → ExternalRefund from `refund: {refundNo, orderNo, refundAmount, reason
  (optional), items: [{itemId, qty}]}`.
The page's next cursor is `nextCursor` when the page had records; an empty page has none (nothing
new: keep the cursor asked with).

Sync back: `POST /api/orderStatus` with `{orderNo, status (the channel's word), shipment:
{shipmentNo, carrierCode (the channel's carrier word), trackingNo, state, items: [{itemId, qty}]} |
null, updatedAt (epoch ms)}`.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
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
    Page,
    RefundedLine,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds.fields import (
    AddressKeys,
    at,
    mapping,
    money,
    not_this_kind,
    optional_text,
    quantity,
    receiver,
    text,
)
from tradeflow_channel_adapter.domain.kinds.fields import items as listed

PAGE_SIZE = 20
RECEIVER = AddressKeys("name", "mobile", "province", "city", "detail")
ORDER_NAMES = FieldNames(phone="mobile", currency="currency", lines="items", line_id="items.{i}.itemId",
                         quantity="items.{i}.qty", paid_amount="items.{i}.paidAmount")
"""Inside a record's `order` (`ORDER_NAMES.under("records.3.order")`)."""
REFUND_NAMES = FieldNames(lines="items", line_id="items.{i}.itemId", quantity="items.{i}.qty", amount="refundAmount")
"""Inside a record's `refund`."""


def read_order(record: Mapping[str, Any], where: str, vocabulary: Vocabulary) -> ExternalOrder:
    order = mapping(record.get("order"), at(where, "order"))
    where = at(where, "order")
    given = order.get("receiver")
    return ExternalOrder(
        external_order_id=text(order, "orderNo", where),
        status=vocabulary.status(order.get("status"), at(where, "status")),
        member_id=text(order, "memberId", where), phone=optional_text(order, "mobile", where),
        currency=text(order, "currency", where),
        lines=[read_item(item, at(at(where, "items"), i), vocabulary)
               for i, item in enumerate(listed(order, "items", where))],
        receiver=None if given is None else read_receiver(given, at(where, "receiver"), vocabulary),
        paid_at=pay_time(order.get("payTime"), at(where, "payTime")), names=ORDER_NAMES.under(where))


def read_item(value: object, where: str, vocabulary: Vocabulary) -> ExternalLine:
    item = mapping(value, where)
    return ExternalLine(external_line_id=text(item, "itemId", where), channel_sku=text(item, "skuCode", where),
                        quantity=quantity(item.get("qty"), at(where, "qty")),
                        unit_price_amount=money(vocabulary, item.get("unitPrice"), at(where, "unitPrice")),
                        paid_amount=money(vocabulary, item.get("paidAmount"), at(where, "paidAmount")))


def read_receiver(value: object, where: str, vocabulary: Vocabulary):
    return receiver(mapping(value, where), where, RECEIVER, vocabulary)


def pay_time(value: object, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 10**14:
        raise BadNews(where, f"expected epoch milliseconds, got {value!r:.40}")
    return datetime.fromtimestamp(value / 1000, UTC)


def read_refund(record: Mapping[str, Any], where: str, vocabulary: Vocabulary) -> ExternalRefund:
    where = at(where, "refund")
    refund = mapping(record.get("refund"), where)
    lines = []
    for i, value in enumerate(listed(refund, "items", where)):
        line_at = at(at(where, "items"), i)
        item = mapping(value, line_at)
        lines.append(RefundedLine(text(item, "itemId", line_at), quantity(item.get("qty"), at(line_at, "qty"))))
    return ExternalRefund(external_refund_id=text(refund, "refundNo", where),
                          external_order_id=text(refund, "orderNo", where), lines=lines,
                          amount=money(vocabulary, refund.get("refundAmount"), at(where, "refundAmount")),
                          reason=optional_text(refund, "reason", where) or "refunded on the channel",
                          names=REFUND_NAMES.under(where))


def read_record(value: object, where: str, vocabulary: Vocabulary) -> ChannelNews:
    record = mapping(value, where)
    kind = record.get("type")
    if kind == "ORDER_CREATED":
        return read_order(record, where, vocabulary)
    if kind == "ORDER_CANCELED":
        return ExternalCancellation(text(record, "orderNo", where),
                                    optional_text(record, "cancelReason", where) or "cancelled on the channel")
    if kind == "ADDRESS_MODIFIED":
        return ExternalAddressChange(text(record, "orderNo", where),
                                     read_receiver(record.get("receiver"), at(where, "receiver"), vocabulary))
    if kind == "REFUND_COMPLETED":
        return read_refund(record, where, vocabulary)
    raise BadNews(at(where, "type"), f"unknown record type {kind!r:.60}; expected ORDER_CREATED, ORDER_CANCELED, "
                                     "ADDRESS_MODIFIED or REFUND_COMPLETED")


class MarketplacePull:
    kind = Kind.MARKETPLACE_PULL

    def read_push(self, body: Any, vocabulary: Vocabulary) -> list[ChannelNews]:
        raise not_this_kind(self.kind, "push webhooks: its feed is read")

    def pull_request(self, cursor: str | None) -> tuple[str, dict[str, str]]:
        return "/api/orders", {"cursor": cursor or "0", "limit": str(PAGE_SIZE)}

    def read_page(self, body: Any, vocabulary: Vocabulary) -> Page:
        page = mapping(body, "body")
        records = page.get("records")
        if not isinstance(records, list):
            raise BadNews("records", f"expected a list, got {records!r:.60}")
        news, unreadable = [], []
        for i, record in enumerate(records):
            try:
                news.append(read_record(record, at("records", i), vocabulary))
            except BadNews as exc:
                unreadable.append(exc)
        cursor = text(page, "nextCursor") if records else None
        return Page(news, cursor, unreadable)

    def read_row(self, row: Mapping[str, str], vocabulary: Vocabulary) -> ChannelNews:
        raise not_this_kind(self.kind, "import CSV rows: its feed is read")

    def sync_request(self, update: SyncUpdate, vocabulary: Vocabulary) -> tuple[str, dict[str, Any]]:
        shipment = update.shipment
        sent = None if shipment is None else {
            "shipmentNo": shipment.shipment_id, "carrierCode": vocabulary.carrier(shipment.carrier),
            "trackingNo": shipment.waybill, "state": shipment.status,
            "items": [{"itemId": line_id, "qty": units} for line_id, units in shipment.lines]}
        updated = int(update.at.timestamp() * 1000) if update.at else None
        return "/api/orderStatus", {"orderNo": update.external_order_id,
                                    "status": vocabulary.status_word(update.status), "shipment": sent,
                                    "updatedAt": updated}
