"""SqlaCatalogRepository: the price book and the points ledgers in PostgreSQL (catalog_skus with
catalog_sku_versions, freight_templates, coupons, coupon_holds, points_entries).

A put is one statement that bumps the version atomically (INSERT … ON CONFLICT DO UPDATE SET
version = version + 1), so concurrent puts of one entry get consecutive versions, none lost.
"""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, exists, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_order.adapters.tables import (
    catalog_sku_versions,
    catalog_skus,
    coupon_holds,
    coupons,
    freight_templates,
    points_entries,
)
from tradeflow_order.domain.catalog import (
    CatalogSku,
    Coupon,
    CouponKind,
    CouponUses,
    FreightTemplate,
    PointsEntry,
    PointsEntryKind,
    RegionRate,
    SkuKind,
)


class SqlaCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def skus(self, codes: set[str]) -> dict[str, CatalogSku]:
        if not codes:
            return {}
        rows = await self.session.execute(select(catalog_skus).where(catalog_skus.c.sku.in_(sorted(codes))))
        return {row.sku: _sku(row) for row in rows}

    async def put_sku(self, sku: CatalogSku) -> CatalogSku:
        """One statement: the current row upserted with the next version, and that row copied into
        the versions."""
        row = {k: v for k, v in asdict(sku).items() if k != "version"} | {
            "kind": str(sku.kind), "updated_at": sku.updated_at or func.now()}
        stored = _bumped(catalog_skus, ["sku"], row).cte("stored")
        copied = (insert(catalog_sku_versions)
                  .from_select([c.name for c in stored.c], select(stored))
                  .returning(*catalog_sku_versions.c))
        return _sku((await self.session.execute(copied)).one())

    async def find_skus(self, *, merchant_id: str | None, limit: int, after: str | None) -> list[CatalogSku]:
        query = select(catalog_skus).order_by(catalog_skus.c.sku).limit(limit)
        if merchant_id is not None:
            query = query.where(catalog_skus.c.merchant_id == merchant_id)
        if after is not None:
            query = query.where(catalog_skus.c.sku > after)
        return [_sku(row) for row in await self.session.execute(query)]

    async def sku_versions(self, sku: str) -> list[CatalogSku]:
        query = (select(catalog_sku_versions).where(catalog_sku_versions.c.sku == sku)
                 .order_by(catalog_sku_versions.c.version))
        return [_sku(row) for row in await self.session.execute(query)]

    async def freight_templates(self, merchant_ids: set[str]) -> dict[str, FreightTemplate]:
        if not merchant_ids:
            return {}
        rows = await self.session.execute(select(freight_templates).where(
            freight_templates.c.merchant_id.in_(sorted(merchant_ids))))
        return {row.merchant_id: _template(row) for row in rows}

    async def put_freight_template(self, template: FreightTemplate) -> FreightTemplate:
        row = {k: v for k, v in asdict(template).items() if k != "version"} | {
            "updated_at": template.updated_at or func.now()}
        stored = await self.session.execute(_bumped(freight_templates, ["merchant_id"], row))
        return _template(stored.one())

    async def coupons(self, codes: set[str], *, lock: bool = False) -> dict[str, Coupon]:
        if not codes:
            return {}
        query = select(coupons).where(coupons.c.code.in_(sorted(codes))).order_by(coupons.c.code)
        if lock:
            query = query.with_for_update()
        return {row.code: _coupon(row) for row in await self.session.execute(query)}

    async def put_coupon(self, coupon: Coupon) -> Coupon:
        row = {k: v for k, v in asdict(coupon).items() if k != "version"} | {
            "kind": str(coupon.kind), "skus": sorted(coupon.skus) if coupon.skus is not None else None,
            "updated_at": coupon.updated_at or func.now()}
        return _coupon((await self.session.execute(_bumped(coupons, ["code"], row))).one())

    async def coupon_uses(self, code: str, buyer_id: str) -> CouponUses:
        held = coupon_holds.c
        query = (select(func.count(), func.count().filter(held.buyer_id == buyer_id))
                 .where(held.code == code, held.returned_at.is_(None)))
        total, by_buyer = (await self.session.execute(query)).one()
        return CouponUses(total, by_buyer)

    async def hold_coupons(self, order_id: str, buyer_id: str, codes: list[str], at: datetime) -> None:
        """A coupon the order already holds is not held twice."""
        if codes:
            await self.session.execute(insert(coupon_holds).on_conflict_do_nothing(), [
                {"order_id": order_id, "code": code, "buyer_id": buyer_id, "held_at": at}
                for code in sorted(set(codes))])

    async def return_coupons(self, order_id: str, at: datetime) -> list[str]:
        returned = await self.session.execute(
            update(coupon_holds).where(coupon_holds.c.order_id == order_id, coupon_holds.c.returned_at.is_(None))
            .values(returned_at=at).returning(coupon_holds.c.code))
        return sorted(returned.scalars())

    async def points_balance(self, buyer_id: str) -> int:
        query = select(func.coalesce(func.sum(points_entries.c.amount), 0)).where(points_entries.c.buyer_id == buyer_id)
        return int((await self.session.execute(query)).scalar_one())

    async def points_entries(self, buyer_id: str, *, limit: int = 100) -> list[PointsEntry]:
        query = (select(points_entries).where(points_entries.c.buyer_id == buyer_id)
                 .order_by(points_entries.c.id.desc()).limit(limit))
        return [_entry(row) for row in await self.session.execute(query)]

    async def add_points(self, entry: PointsEntry) -> None:
        await self.session.execute(insert(points_entries).values(asdict(entry) | {"kind": str(entry.kind)}))

    async def return_points(self, order_id: str, at: datetime) -> int:
        """One statement: what the order spent and no after-sales refund gave back, added back as
        its `returned` entry (actor `system`) unless it has one — the partial unique index decides,
        also between concurrent returns."""
        e = points_entries.c
        spent = (select(e.buyer_id, -func.sum(e.amount), literal(PointsEntryKind.RETURNED.value), e.order_id,
                        literal("system"), literal(at, DateTime(timezone=True)))
                 .where(e.order_id == order_id,
                        e.kind.in_([PointsEntryKind.SPENT.value, PointsEntryKind.RETURNED_PART.value]))
                 .group_by(e.buyer_id, e.order_id).having(func.sum(e.amount) < 0))
        returned = (insert(points_entries)
                    .from_select(["buyer_id", "amount", "kind", "order_id", "actor", "at"], spent)
                    .on_conflict_do_nothing(index_elements=["order_id"], index_where=_RETURNED_ONCE)
                    .returning(e.amount))
        return sum((await self.session.execute(returned)).scalars())

    async def return_points_part(self, order_id: str, buyer_id: str, refund_id: str, amount: int,
                                 at: datetime) -> int:
        """`amount` of the order's points back to the buyer for the refund, once per refund id
        (a partial unique index on the order and the entry's reason, the refund id), and not once
        the order gave back all it spent (its `returned` entry, which counts these first)."""
        e = points_entries.c
        whole_returned = exists().where(e.order_id == order_id, e.kind == PointsEntryKind.RETURNED.value)
        part = select(literal(buyer_id), literal(amount, BigInteger), literal(PointsEntryKind.RETURNED_PART.value),
                      literal(order_id), literal(refund_id), literal("after-sales"),
                      literal(at, DateTime(timezone=True))).where(~whole_returned)
        returned = (insert(points_entries)
                    .from_select(["buyer_id", "amount", "kind", "order_id", "reason", "actor", "at"], part)
                    .on_conflict_do_nothing(index_elements=["order_id", "reason"], index_where=_RETURNED_PART_ONCE)
                    .returning(e.amount))
        return sum((await self.session.execute(returned)).scalars())


# The partial unique index's predicate as SQL text, never a bound parameter: PostgreSQL infers the
# arbiter index when it plans, and a generic plan (a prepared statement's 6th run on) cannot prove
# `kind = $n` implies `kind = 'returned'` — the insert then fails with "no unique or exclusion
# constraint matching the ON CONFLICT specification".
_RETURNED_ONCE = text(f"kind = '{PointsEntryKind.RETURNED.value}'")
_RETURNED_PART_ONCE = text(f"kind = '{PointsEntryKind.RETURNED_PART.value}'")


def _bumped(table, key: list[str], row: dict):
    """Insert `row` as version 1, or replace the stored one with the next version; returning it."""
    upsert = insert(table).values(row | {"version": 1})
    changed = {name: upsert.excluded[name] for name in row if name not in key}
    return upsert.on_conflict_do_update(index_elements=key, set_=changed | {
        "version": table.c.version + 1}).returning(*table.c)


def _sku(row) -> CatalogSku:
    return CatalogSku(**(row._asdict() | {"kind": SkuKind(row.kind)}))


def _template(row) -> FreightTemplate:
    regions = {name: RegionRate(r["base_amount"], r["per_kg_amount"]) for name, r in row.regions.items()}
    return FreightTemplate(**(row._asdict() | {"regions": regions}))


def _coupon(row) -> Coupon:
    skus = frozenset(row.skus) if row.skus is not None else None
    return Coupon(**(row._asdict() | {"kind": CouponKind(row.kind), "skus": skus}))


def _entry(row) -> PointsEntry:
    fields = row._asdict()
    del fields["id"]
    return PointsEntry(**(fields | {"kind": PointsEntryKind(row.kind)}))
