"""An in-memory `CatalogRepository` (app/ports.py) that keeps the port's contract as
SqlaCatalogRepository does: each put is the next version (a SKU's versions kept), coupon uses
count the holds not returned, holding and returning again change nothing, an order's points come
back once. What is read is the stored value itself: the entries are frozen dataclasses.

Seed it without awaiting with `seed(...)`; `snapshot()` and `restore()` let a fake unit of work
roll it back with the rest of its state. `locked` records the codes each `coupons(lock=True)`
asked for, in the order they were locked.
"""

import copy
from dataclasses import dataclass, replace
from datetime import datetime

from tradeflow_order.domain.catalog import (
    CatalogSku,
    Coupon,
    CouponUses,
    FreightTemplate,
    PointsEntry,
    PointsEntryKind,
)


@dataclass
class CouponHold:
    buyer_id: str
    held_at: datetime
    returned_at: datetime | None = None


class FakeCatalog:
    def __init__(self) -> None:
        self.sku_history: dict[str, list[CatalogSku]] = {}  # oldest first; the last is current
        self.templates: dict[str, FreightTemplate] = {}
        self.coupon_rows: dict[str, Coupon] = {}
        self.holds: dict[tuple[str, str], CouponHold] = {}  # (order_id, code) → the hold
        self.entries: list[PointsEntry] = []  # in the order added
        self.locked: list[list[str]] = []

    def seed(self, *entries: CatalogSku | FreightTemplate | Coupon | PointsEntry) -> "FakeCatalog":
        """Store each entry as a put (or, for points, an add) would."""
        for entry in entries:
            if isinstance(entry, CatalogSku):
                self._put_sku(entry)
            elif isinstance(entry, FreightTemplate):
                self.templates[entry.merchant_id] = _next(entry, self.templates.get(entry.merchant_id))
            elif isinstance(entry, Coupon):
                self.coupon_rows[entry.code] = _next(entry, self.coupon_rows.get(entry.code))
            else:
                self.entries.append(entry)
        return self

    def snapshot(self) -> tuple:
        return copy.deepcopy((self.sku_history, self.templates, self.coupon_rows, self.holds, self.entries))

    def restore(self, snapshot: tuple) -> None:
        self.sku_history, self.templates, self.coupon_rows, self.holds, self.entries = copy.deepcopy(snapshot)

    async def skus(self, codes):
        return {code: self.sku_history[code][-1] for code in codes if code in self.sku_history}

    async def put_sku(self, sku):
        return self._put_sku(sku)

    async def find_skus(self, *, merchant_id, limit, after):
        current = sorted((h[-1] for h in self.sku_history.values()), key=lambda s: s.sku)
        return [s for s in current if merchant_id in (None, s.merchant_id) and (after is None or s.sku > after)][:limit]

    async def sku_versions(self, sku):
        return list(self.sku_history.get(sku, []))

    async def freight_templates(self, merchant_ids):
        return {m: self.templates[m] for m in merchant_ids if m in self.templates}

    async def put_freight_template(self, template):
        return self.seed(template).templates[template.merchant_id]

    async def coupons(self, codes, *, lock=False):
        found = {code: self.coupon_rows[code] for code in sorted(codes) if code in self.coupon_rows}
        if lock:
            self.locked.append(list(found))
        return found

    async def put_coupon(self, coupon):
        return self.seed(coupon).coupon_rows[coupon.code]

    async def coupon_uses(self, code, buyer_id):
        held = [h for (_, c), h in self.holds.items() if c == code and h.returned_at is None]
        return CouponUses(len(held), sum(h.buyer_id == buyer_id for h in held))

    async def hold_coupons(self, order_id, buyer_id, codes, at):
        for code in codes:
            self.holds.setdefault((order_id, code), CouponHold(buyer_id, at))

    async def return_coupons(self, order_id, at):
        returned = sorted(c for (o, c), h in self.holds.items() if o == order_id and h.returned_at is None)
        for code in returned:
            self.holds[(order_id, code)].returned_at = at
        return returned

    async def points_balance(self, buyer_id):
        return sum(e.amount for e in self.entries if e.buyer_id == buyer_id)

    async def points_entries(self, buyer_id, *, limit=100):
        return [e for e in reversed(self.entries) if e.buyer_id == buyer_id][:limit]

    async def add_points(self, entry):
        self.entries.append(entry)

    async def return_points(self, order_id, at):
        if any(e.order_id == order_id and e.kind is PointsEntryKind.RETURNED for e in self.entries):
            return 0
        spent = [e for e in self.entries if e.order_id == order_id and e.kind is PointsEntryKind.SPENT]
        amount = -sum(e.amount for e in self.entries if e.order_id == order_id
                      and e.kind in (PointsEntryKind.SPENT, PointsEntryKind.RETURNED_PART))
        if amount <= 0:
            return 0
        self.entries.append(PointsEntry(spent[0].buyer_id, amount, PointsEntryKind.RETURNED, at, order_id=order_id,
                                        actor="system"))
        return amount

    async def return_points_part(self, order_id, buyer_id, refund_id, amount, at):
        if any(e.order_id == order_id and (e.kind is PointsEntryKind.RETURNED or (
                e.kind is PointsEntryKind.RETURNED_PART and e.reason == refund_id)) for e in self.entries):
            return 0
        self.entries.append(PointsEntry(buyer_id, amount, PointsEntryKind.RETURNED_PART, at, order_id=order_id,
                                        reason=refund_id, actor="after-sales"))
        return amount

    def _put_sku(self, sku: CatalogSku) -> CatalogSku:
        history = self.sku_history.setdefault(sku.sku, [])
        history.append(_next(sku, history[-1] if history else None))
        return history[-1]


def _next(entry, current):
    """`entry` as the next version after `current` (version 1 when there is none)."""
    return replace(entry, version=current.version + 1 if current is not None else 1)


class CatalogTransaction:
    """A transaction holding just the price book, and what it publishes (key, message)."""

    def __init__(self) -> None:
        self.catalog, self.published = FakeCatalog(), []

    async def publish(self, message, *, key):
        self.published.append((key, message))
