"""The price book the server prices orders from (API.md "Catalog, freight, coupons, points").

A SKU belongs to one merchant and has one price; every change makes a new `version`. A merchant's
freight template prices a sub-order's shipping by weight and region. A coupon takes a fixed amount
or a percentage off the goods in its scope. Points are money-valued in minor units, one ledger
per buyer. All amounts are integer minor units.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

GRAMS_PER_KG = 1000


class SkuKind(StrEnum):
    PHYSICAL = "physical"
    VIRTUAL = "virtual"


@dataclass(frozen=True)
class CatalogSku:
    sku: str
    merchant_id: str
    title: str
    unit_price_amount: int
    currency: str
    kind: SkuKind = SkuKind.PHYSICAL
    weight_grams: int = 0
    volume_cm3: int = 0
    fragile: bool = False
    oversize: bool = False
    category: str | None = None
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class RegionRate:
    base_amount: int
    per_kg_amount: int


@dataclass(frozen=True)
class FreightTemplate:
    """`base_amount` covers the first kilogram of a sub-order's weight; each started kilogram
    beyond it adds `per_kg_amount`; a region's rate replaces both for receivers there; a sub-order
    whose goods amount (before discounts) reaches `free_above_amount` ships free."""

    merchant_id: str
    base_amount: int
    per_kg_amount: int
    free_above_amount: int | None = None
    regions: dict[str, RegionRate] = field(default_factory=dict)
    version: int = 1
    updated_at: datetime | None = None

    def fee(self, weight_grams: int, goods_amount: int, region: str) -> int:
        if self.free_above_amount is not None and goods_amount >= self.free_above_amount:
            return 0
        rate = self.regions.get(region, RegionRate(self.base_amount, self.per_kg_amount))
        extra_kg = max(0, -(-weight_grams // GRAMS_PER_KG) - 1)  # started kilograms beyond the first
        return rate.base_amount + extra_kg * rate.per_kg_amount


class CouponKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


@dataclass(frozen=True)
class Coupon:
    """`amount` (fixed) or `percent` (1–100, of the in-scope goods amount, floored) off the goods
    in scope: the merchant's, and of them the listed SKUs (no merchant and no SKUs: the whole
    order). `min_spend_amount` compares the in-scope goods amount before discounts. A buyer may
    hold it at most `per_buyer_limit` times and all buyers `total_quantity` times (None: no limit),
    counting the orders that hold it and have not given it back."""

    code: str
    kind: CouponKind
    currency: str
    amount: int | None = None
    percent: int | None = None
    min_spend_amount: int | None = None
    merchant_id: str | None = None
    skus: frozenset[str] | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    per_buyer_limit: int | None = None
    total_quantity: int | None = None
    version: int = 1
    updated_at: datetime | None = None

    def covers(self, sku: str, merchant_id: str) -> bool:
        return ((self.merchant_id is None or self.merchant_id == merchant_id)
                and (self.skus is None or sku in self.skus))

    def valid_at(self, now: datetime) -> bool:
        return ((self.valid_from is None or self.valid_from <= now)
                and (self.valid_until is None or now < self.valid_until))

    def reaches_min_spend(self, in_scope_goods_amount: int) -> bool:
        return not self.min_spend_amount or in_scope_goods_amount >= self.min_spend_amount

    def discount(self, in_scope_goods_amount: int) -> int:
        """What it takes off goods worth `in_scope_goods_amount`: never more than they cost."""
        if self.kind is CouponKind.PERCENT:
            return in_scope_goods_amount * (self.percent or 0) // 100
        return min(self.amount or 0, in_scope_goods_amount)


@dataclass(frozen=True)
class CouponUses:
    """How often a coupon is held now (by orders not cancelled or refunded): by all, by one buyer."""

    total: int
    by_buyer: int


class PointsEntryKind(StrEnum):
    EARNED = "earned"  # granted by staff (or earned by buying)
    SPENT = "spent"  # held by an order (negative)
    RETURNED = "returned"  # given back by a cancelled or refunded order
    RETURNED_PART = "returned_part"  # given back by an after-sales refund of some lines (once per refund)


@dataclass(frozen=True)
class PointsEntry:
    buyer_id: str
    amount: int  # signed: earned and returned positive, spent negative
    kind: PointsEntryKind
    at: datetime
    order_id: str | None = None
    reason: str | None = None
    actor: str | None = None
