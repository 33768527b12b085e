"""A shop on the marketplace, in memory: the orders its buyers paid, their refunds, the news it
publishes (a pull shop's feed), and the sync-back calls our platform made to it.

What the shop publishes is worded by its shape (`shape_a`, `shape_b`, `shape_c`); the book itself is neutral:
money in integer minor units, a receiver as `{name, phone, region, city, address}`. Nothing
survives a restart of the simulator (its ids are random, so a new run never repeats an old id).
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from tradeflow_simulators.edge import ProviderError

SHOP_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


class Shape(StrEnum):
    """How a shop talks: the channel adapter's kind for it."""

    PUSH = "marketplace_push"
    """Shape A: pushes signed webhooks, snake_case, decimal money, a joined address."""
    PULL = "marketplace_pull"
    """Shape B: serves a signed pull feed, camelCase, minor-unit money, a split address."""
    ERP = "erp"
    """Shape C: an ERP pushing signed webhooks like A, PascalCase, its lines naming its goods codes."""


class UnknownShop(ProviderError):
    code, status = "shop_not_found", 404


class ShopConflict(ProviderError):
    code, status = "shop_conflict", 409


class UnknownOrder(ProviderError):
    code, status = "order_not_found", 404


class OrderConflict(ProviderError):
    code, status = "order_exists", 409


class RefundRefused(ProviderError):
    code, status = "refund_refused", 422


@dataclass(frozen=True)
class Line:
    line_id: str
    channel_sku: str
    quantity: int
    unit_price_amount: int
    paid_amount: int
    goods_code: str | None = None
    """The ERP's code of the goods (shape C; the shop SKU when not given)."""


@dataclass
class Order:
    order_id: str
    member_id: str
    phone: str | None
    currency: str
    lines: list[Line]
    receiver: dict | None
    status: str
    """The shop's own status word."""
    paid_at: datetime
    published: bool = False
    refunded: dict[str, int] = field(default_factory=dict)
    """Units refunded per line id."""

    def line(self, line_id: str) -> Line:
        found = next((line for line in self.lines if line.line_id == line_id), None)
        if found is None:
            raise RefundRefused(f"order {self.order_id} has no line {line_id}", field="lines")
        return found

    def describe(self) -> dict:
        return {"order_id": self.order_id, "status": self.status, "member_id": self.member_id, "phone": self.phone,
                "currency": self.currency, "receiver": self.receiver, "paid_at": self.paid_at.isoformat(),
                "published": self.published, "refunded": self.refunded,
                "lines": [line.__dict__ for line in self.lines]}


@dataclass(frozen=True)
class Refund:
    refund_id: str
    order_id: str
    lines: list[tuple[str, int]]
    """(line id, quantity)."""
    amount: int
    reason: str


@dataclass
class SyncSwitch:
    """A test switch: the next `count` sync-back calls are answered 503."""

    count: int = 0

    def take(self) -> bool:
        if self.count <= 0:
            return False
        self.count -= 1
        return True


@dataclass
class Shop:
    code: str
    shape: Shape
    secret: str
    orders: dict[str, Order] = field(default_factory=dict)
    feed: list[dict] = field(default_factory=list)
    """A pull shop's news records; a record's `seq` is its index (the feed's cursor)."""
    synced: list[dict] = field(default_factory=list)
    """The sync-back calls received and accepted, in arrival order."""
    sync_failures: SyncSwitch = field(default_factory=SyncSwitch)

    def order(self, order_id: str) -> Order:
        if order_id not in self.orders:
            raise UnknownOrder(f"shop {self.code} has no order {order_id}")
        return self.orders[order_id]

    def take_order(self, order: Order) -> Order:
        if order.order_id in self.orders:
            raise OrderConflict(f"shop {self.code} has an order {order.order_id} already")
        self.orders[order.order_id] = order
        return order

    def refund(self, order_id: str, lines: list[tuple[str, int]], amount: int, reason: str,
               refund_id: str | None) -> Refund:
        """Refund units of the order's lines (never more units than a line has, nor more money than
        the lines' paid amounts)."""
        order = self.order(order_id)
        for line_id, quantity in lines:
            if order.refunded.get(line_id, 0) + quantity > order.line(line_id).quantity:
                raise RefundRefused(f"line {line_id} has fewer units left to refund than {quantity}",
                                    field="lines")
        if amount > sum(order.line(line_id).paid_amount for line_id, _ in lines):
            raise RefundRefused(f"{amount} is more than the refunded lines' paid amount", field="amount")
        for line_id, quantity in lines:
            order.refunded[line_id] = order.refunded.get(line_id, 0) + quantity
        return Refund(refund_id or new_id("RF"), order_id, lines, amount, reason)

    def add_to_feed(self, record: dict) -> dict:
        record = {"seq": len(self.feed), **record}
        self.feed.append(record)
        return record

    def page(self, cursor: int, limit: int) -> tuple[list[dict], int]:
        """The feed's records from `cursor` (at most `limit`) and the cursor after them."""
        records = self.feed[cursor:cursor + limit]
        return records, cursor + len(records)

    def record_sync(self, path: str, order_id: str, status: str, body: dict) -> dict:
        known = order_id in self.orders
        if known:
            self.orders[order_id].status = status
        entry = {"at": datetime.now(UTC).isoformat(), "path": path, "order_id": order_id, "status": status,
                 "known_order": known, "body": body}
        self.synced.append(entry)
        return entry


def new_id(prefix: str = "") -> str:
    """A fresh id: the prefix and 16 digits (random, so ids of an earlier run never come back)."""
    return f"{prefix}{uuid.uuid4().int % 10**16:016d}"
