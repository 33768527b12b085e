"""Request bodies and resources of the price book's API (API.md "Catalog, freight, coupons, points").

Request bodies are built from the kit's strict types (`tradeflow_kit.fields`); a coupon's rules
that span fields (a fixed coupon takes `amount`, a percent one `percent`; `valid_until` after
`valid_from`) are checked on the field they concern, so the 422 names it.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, StrictInt, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tradeflow_kit.fields import MAX_BIGINT, Amount, Count, CurrencyCode, Flag, Id, Quantity, RequestModel, text
from tradeflow_order.app.manage_catalog import PointsLedger
from tradeflow_order.domain.catalog import (
    CatalogSku,
    Coupon,
    CouponKind,
    CouponUses,
    FreightTemplate,
    RegionRate,
    SkuKind,
)


def _rfc3339_text(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("time_type", "must be an RFC 3339 time with its offset, e.g. 2026-12-01T00:00:00Z")
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]
Percent = Annotated[StrictInt, Field(ge=1, le=100)]
Region = text(64)


class SkuIn(RequestModel):
    merchant_id: Id
    title: text(200)
    unit_price_amount: Amount
    currency: CurrencyCode
    kind: Literal["physical", "virtual"] = "physical"
    weight_grams: Count = 0
    volume_cm3: Count = 0
    fragile: Flag = False
    oversize: Flag = False
    category: text(64) | None = None

    def to_sku(self, code: str) -> CatalogSku:
        return CatalogSku(code, self.merchant_id, self.title, self.unit_price_amount, str(self.currency),
                          SkuKind(self.kind), self.weight_grams, self.volume_cm3, self.fragile, self.oversize,
                          self.category)


class RegionRateIn(RequestModel):
    base_amount: Amount
    per_kg_amount: Amount


class FreightTemplateIn(RequestModel):
    base_amount: Amount
    per_kg_amount: Amount
    free_above_amount: Amount | None = None
    regions: dict[Region, RegionRateIn] = Field(default_factory=dict, max_length=500)

    def to_template(self, merchant_id: str) -> FreightTemplate:
        return FreightTemplate(merchant_id, self.base_amount, self.per_kg_amount, self.free_above_amount,
                               {name: RegionRate(r.base_amount, r.per_kg_amount) for name, r in self.regions.items()})


class CouponIn(RequestModel):
    kind: Literal["fixed", "percent"]
    currency: CurrencyCode
    amount: Amount | None = Field(default=None, validate_default=True)
    percent: Percent | None = Field(default=None, validate_default=True)
    min_spend_amount: Amount | None = None
    merchant_id: Id | None = None
    skus: list[Id] | None = Field(default=None, min_length=1, max_length=500)
    valid_from: Time | None = None
    valid_until: Time | None = None
    per_buyer_limit: Quantity | None = None
    total_quantity: Quantity | None = None

    @field_validator("amount")
    @classmethod
    def _amount_for_fixed(cls, amount: int | None, info: ValidationInfo) -> int | None:
        return _for_kind(amount, info, "fixed", "the amount off (minor units, positive)")

    @field_validator("percent")
    @classmethod
    def _percent_for_percent(cls, percent: int | None, info: ValidationInfo) -> int | None:
        return _for_kind(percent, info, "percent", "the percentage off (1-100)")

    @field_validator("valid_until")
    @classmethod
    def _until_after_from(cls, until: datetime | None, info: ValidationInfo) -> datetime | None:
        since = info.data.get("valid_from")
        if until is not None and since is not None and until <= since:
            raise PydanticCustomError("valid_until_order", "must be after valid_from")
        return until

    def to_coupon(self, code: str) -> Coupon:
        return Coupon(code, CouponKind(self.kind), str(self.currency), self.amount, self.percent,
                      self.min_spend_amount, self.merchant_id, frozenset(self.skus) if self.skus else None,
                      self.valid_from, self.valid_until, self.per_buyer_limit, self.total_quantity)


def _for_kind(value: int | None, info: ValidationInfo, kind: str, meaning: str) -> int | None:
    """Required (and non-zero) for coupons of `kind`, absent from the others."""
    asked = info.data.get("kind")
    if asked == kind and not value:
        raise PydanticCustomError("coupon_kind", "required for a {kind} coupon: {meaning}",
                                  {"kind": kind, "meaning": meaning})
    if asked is not None and asked != kind and value is not None:
        raise PydanticCustomError("coupon_kind", "only for a {kind} coupon (this one is {asked})",
                                  {"kind": kind, "asked": asked})
    return value


class PointsGrantIn(RequestModel):
    amount: Annotated[StrictInt, Field(gt=0, le=MAX_BIGINT, description="points, in minor units")]
    reason: text(500, multiline=True)


def _time(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def sku_view(sku: CatalogSku) -> dict:
    return {"sku": sku.sku, "merchant_id": sku.merchant_id, "title": sku.title,
            "unit_price_amount": sku.unit_price_amount, "currency": sku.currency, "kind": sku.kind,
            "weight_grams": sku.weight_grams, "volume_cm3": sku.volume_cm3, "fragile": sku.fragile,
            "oversize": sku.oversize, "category": sku.category, "version": sku.version,
            "updated_at": _time(sku.updated_at)}


def sku_version_view(sku: CatalogSku) -> dict:
    """A version in a SKU's history also says who made it."""
    return sku_view(sku) | {"updated_by": sku.updated_by}


def template_view(template: FreightTemplate) -> dict:
    return {"merchant_id": template.merchant_id, "base_amount": template.base_amount,
            "per_kg_amount": template.per_kg_amount, "free_above_amount": template.free_above_amount,
            "regions": {name: {"base_amount": r.base_amount, "per_kg_amount": r.per_kg_amount}
                        for name, r in sorted(template.regions.items())},
            "version": template.version, "updated_at": _time(template.updated_at)}


def coupon_view(coupon: Coupon, uses: CouponUses | None = None, buyer_id: str | None = None) -> dict:
    """With `uses`: `held`, the orders holding it now, and `held_by_buyer`, those of `buyer_id`, when asked."""
    view = {"code": coupon.code, "kind": coupon.kind, "currency": coupon.currency, "amount": coupon.amount,
            "percent": coupon.percent, "min_spend_amount": coupon.min_spend_amount,
            "merchant_id": coupon.merchant_id, "skus": sorted(coupon.skus) if coupon.skus is not None else None,
            "valid_from": _time(coupon.valid_from), "valid_until": _time(coupon.valid_until),
            "per_buyer_limit": coupon.per_buyer_limit, "total_quantity": coupon.total_quantity,
            "version": coupon.version, "updated_at": _time(coupon.updated_at)}
    if uses is None:
        return view
    by_buyer = {"buyer_id": buyer_id, "held_by_buyer": uses.by_buyer} if buyer_id else {}
    return view | {"uses": {"held": uses.total} | by_buyer}


def points_view(ledger: PointsLedger) -> dict:
    return {"buyer_id": ledger.buyer_id, "balance_amount": ledger.balance_amount,
            "entries": [{"amount": e.amount, "kind": e.kind, "order_id": e.order_id, "reason": e.reason,
                         "actor": e.actor, "at": e.at.isoformat()} for e in ledger.entries]}
