"""Kind `marketplace_push` (shape A, a Taobao-like marketplace): it pushes each news as a signed
webhook, a JSON object whose `event` says what it is; snake_case fields; money in the channel's
format (decimal strings of yuan, "12.50", as the marketplace simulator's `shopa`); the receiver's
address joined in one line, or split when the channel is so configured.

* `TradeBuyerPay` → ExternalOrder: `tid`, `status`, `buyer_open_uid` (the member), `receiver_mobile`
  (the buyer's mobile, optional), `currency`, `pay_time` ("YYYY-MM-DD hh:mm:ss", Beijing time,
  optional), `orders: [{oid, outer_sku_id, num, price, payment}]` (`price` per unit, `payment`
  paid for the line), and for goods `receiver_name`, `receiver_mobile`, `receiver_address` (joined
  "<region> <city> <street>"; split: `receiver_state`, `receiver_city`, `receiver_address`);
* `TradeClose` → ExternalCancellation: `tid`, `close_reason` (optional);
* `TradeLogisticsAddressChanged` → ExternalAddressChange: `tid` and the receiver's fields;
* `RefundSuccess` → ExternalRefund: `refund_id`, `tid`, `refund_fee`, `reason` (optional),
  `items: [{oid, num}]`.

Sync back: `POST /api/logistics` (below the channel's `api_base_url`) with `{tid, status (the
channel's word), logistics: {company_code (the channel's carrier word), out_sid (waybill), ship_id,
state, items: [{oid, num}]} | null, modified}`.
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
    Page,
    RefundedLine,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds.fields import (
    BEIJING,
    TIME_FORMAT,
    AddressKeys,
    at,
    beijing_time,
    has_any,
    items,
    mapping,
    money,
    not_this_kind,
    optional_text,
    quantity,
    receiver,
    text,
)

RECEIVER = AddressKeys("receiver_name", "receiver_mobile", "receiver_state", "receiver_city", "receiver_address")
ORDER_NAMES = FieldNames(phone="receiver_mobile", currency="currency", lines="orders", line_id="orders.{i}.oid",
                         quantity="orders.{i}.num", paid_amount="orders.{i}.payment")
REFUND_NAMES = FieldNames(lines="items", line_id="items.{i}.oid", quantity="items.{i}.num", amount="refund_fee")


def read_order(body: Mapping[str, Any], vocabulary: Vocabulary) -> ExternalOrder:
    given = has_any(body, RECEIVER.region, RECEIVER.city, RECEIVER.address, RECEIVER.name)
    return ExternalOrder(
        external_order_id=text(body, "tid"), status=vocabulary.status(body.get("status"), "status"),
        member_id=text(body, "buyer_open_uid"), phone=optional_text(body, "receiver_mobile"),
        currency=text(body, "currency"),
        lines=[read_line(line, at("orders", i), vocabulary) for i, line in enumerate(items(body, "orders"))],
        receiver=receiver(body, "", RECEIVER, vocabulary) if given else None, paid_at=beijing_time(body, "pay_time"),
        names=ORDER_NAMES)


def read_line(value: object, where: str, vocabulary: Vocabulary) -> ExternalLine:
    line = mapping(value, where)
    return ExternalLine(external_line_id=text(line, "oid", where), channel_sku=text(line, "outer_sku_id", where),
                        quantity=quantity(line.get("num"), at(where, "num")),
                        unit_price_amount=money(vocabulary, line.get("price"), at(where, "price")),
                        paid_amount=money(vocabulary, line.get("payment"), at(where, "payment")))


def read_refund(body: Mapping[str, Any], vocabulary: Vocabulary) -> ExternalRefund:
    lines = []
    for i, value in enumerate(items(body, "items")):
        line = mapping(value, at("items", i))
        lines.append(RefundedLine(text(line, "oid", at("items", i)), quantity(line.get("num"), f"items.{i}.num")))
    return ExternalRefund(external_refund_id=text(body, "refund_id"), external_order_id=text(body, "tid"),
                          lines=lines, amount=money(vocabulary, body.get("refund_fee"), "refund_fee"),
                          reason=optional_text(body, "reason") or "refunded on the channel", names=REFUND_NAMES)


def read_event(body: Mapping[str, Any], vocabulary: Vocabulary) -> ChannelNews:
    event = body.get("event")
    if event == "TradeBuyerPay":
        return read_order(body, vocabulary)
    if event == "TradeClose":
        return ExternalCancellation(text(body, "tid"), optional_text(body, "close_reason") or "closed on the channel")
    if event == "TradeLogisticsAddressChanged":
        return ExternalAddressChange(text(body, "tid"), receiver(body, "", RECEIVER, vocabulary))
    if event == "RefundSuccess":
        return read_refund(body, vocabulary)
    raise BadNews("event", f"unknown event {event!r:.60}; expected TradeBuyerPay, TradeClose, "
                           "TradeLogisticsAddressChanged or RefundSuccess")


class MarketplacePush:
    kind = Kind.MARKETPLACE_PUSH

    def read_push(self, body: Any, vocabulary: Vocabulary) -> list[ChannelNews]:
        """One webhook is one news."""
        return [read_event(mapping(body, "body"), vocabulary)]

    def pull_request(self, cursor: str | None) -> tuple[str, dict[str, str]]:
        raise not_this_kind(self.kind, "serve a feed: it pushes its news")

    def read_page(self, body: Any, vocabulary: Vocabulary) -> Page:
        raise not_this_kind(self.kind, "serve a feed: it pushes its news")

    def read_row(self, row: Mapping[str, str], vocabulary: Vocabulary) -> ChannelNews:
        raise not_this_kind(self.kind, "import CSV rows: it pushes its news")

    def sync_request(self, update: SyncUpdate, vocabulary: Vocabulary) -> tuple[str, dict[str, Any]]:
        shipment = update.shipment
        logistics = None if shipment is None else {
            "company_code": vocabulary.carrier(shipment.carrier), "out_sid": shipment.waybill,
            "ship_id": shipment.shipment_id, "state": shipment.status,
            "items": [{"oid": line_id, "num": units} for line_id, units in shipment.lines]}
        modified = update.at.astimezone(BEIJING).strftime(TIME_FORMAT) if update.at else None
        return "/api/logistics", {"tid": update.external_order_id, "status": vocabulary.status_word(update.status),
                                  "logistics": logistics, "modified": modified}
