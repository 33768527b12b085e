"""Kind `offline`: a partner without a system (a school, a training partner) whose orders staff
import from a CSV file, one row per order line; the rows of one order share its
`external_order_id` (the importer merges them into one order, and takes each order once).

Columns (a header row names them; their order is free, other columns are ignored):

* `external_order_id` — the partner's order id (required);
* `member_id` — the buyer as the partner knows them (required);
* `phone` — the buyer's phone (optional: it finds or creates the platform account);
* `sku` — the partner's SKU, mapped to ours (required); one row per SKU of an order: it is the
  line's id;
* `quantity` — units, a whole number ≥ 1 (required);
* `unit_price` — the price per unit on the partner's side, in the channel's money format (required);
* `paid_amount` — what the buyer paid for the line, in the channel's money format (required);
* `receiver_name`, `receiver_phone`, `region`, `city`, `address` — where goods go: all or none
  (none for courses); with the joined address format `address` holds "<region> <city> <street>"
  and `region`, `city` are not read;
* `currency` — optional, the ISO code of the money; when the file has none, the channel's own
  (`CHANNEL_CURRENCY`, "": the importer fills it in).

Money formats: `minor` — whole minor units (`1250`); `decimal` — major units with at most two
decimals (`12.50`). Every refusal names the column.
"""

from collections.abc import Mapping
from typing import Any

from tradeflow_channel_adapter.domain.channel import Kind, MoneyFormat, Vocabulary
from tradeflow_channel_adapter.domain.external import (
    ChannelNews,
    ExternalLine,
    ExternalOrder,
    ExternalStatus,
    FieldNames,
    Page,
    SyncUpdate,
)
from tradeflow_channel_adapter.domain.kinds.fields import (
    AddressKeys,
    has_any,
    money,
    not_this_kind,
    optional_text,
    quantity,
    receiver,
    text,
)

CHANNEL_CURRENCY = ""
"""The currency of rows that do not say: the channel's own, filled in by the importer."""
RECEIVER = AddressKeys("receiver_name", "receiver_phone", "region", "city", "address")
NAMES = FieldNames(phone="phone", currency="currency", lines="sku", line_id="sku", quantity="quantity",
                   paid_amount="paid_amount")
"""A row is one line, and its report names the row: a line's field is its column."""


def cell_number(value: object) -> object:
    """A CSV cell is text: its digits are the whole number they write (anything else as it is)."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdigit() else value
    return value


def cell_money(vocabulary: Vocabulary, row: Mapping[str, Any], column: str) -> int:
    """A CSV cell is text: in the minor format its digits are the integer of minor units."""
    value = row.get(column)
    if vocabulary.money is MoneyFormat.MINOR:
        value = cell_number(value)
    elif isinstance(value, str):
        value = value.strip()
    return money(vocabulary, value, column)


class Offline:
    kind = Kind.OFFLINE

    def read_push(self, body: Any, vocabulary: Vocabulary) -> list[ChannelNews]:
        raise not_this_kind(self.kind, "push webhooks: staff import its orders from CSV")

    def pull_request(self, cursor: str | None) -> tuple[str, dict[str, str]]:
        raise not_this_kind(self.kind, "serve a feed: staff import its orders from CSV")

    def read_page(self, body: Any, vocabulary: Vocabulary) -> Page:
        raise not_this_kind(self.kind, "serve a feed: staff import its orders from CSV")

    def read_row(self, row: Mapping[str, str], vocabulary: Vocabulary) -> ChannelNews:
        """One row: an order of one line (the importer merges the rows of one order)."""
        sku = text(row, "sku")
        line = ExternalLine(external_line_id=sku, channel_sku=sku,
                            quantity=quantity(cell_number(row.get("quantity")), "quantity"),
                            unit_price_amount=cell_money(vocabulary, row, "unit_price"),
                            paid_amount=cell_money(vocabulary, row, "paid_amount"))
        given = has_any(row, *RECEIVER.__dict__.values())
        return ExternalOrder(external_order_id=text(row, "external_order_id"), status=ExternalStatus.PAID,
                             member_id=text(row, "member_id"), phone=optional_text(row, "phone"),
                             currency=optional_text(row, "currency") or CHANNEL_CURRENCY, lines=[line],
                             receiver=receiver(row, "", RECEIVER, vocabulary) if given else None, names=NAMES)

    def sync_request(self, update: SyncUpdate, vocabulary: Vocabulary) -> tuple[str, dict[str, Any]]:
        raise not_this_kind(self.kind, "take sync-back calls: it has no system")
