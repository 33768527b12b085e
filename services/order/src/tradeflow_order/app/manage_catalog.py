"""Managing the price book and the buyers' points (API.md "Catalog, freight, coupons, points").

Who may do what: staff manage everything. A merchant manages its own SKUs — never another
merchant's, and it cannot hand one of its SKUs to another merchant — and its own freight template.
Coupons and points grants are staff's. Anyone signed in reads SKUs (buyers browse the catalog); a
SKU's versions and a freight template are for staff and the owning merchant; a buyer's points for
staff and that buyer.

Every change is a new version of the entry. A put that changes nothing stores nothing and returns
the entry as it is, so a retried PUT adds no version. A SKU's new version is told to the platform
in the same transaction (`catalog_facts`); staff may tell every SKU again (`announce_skus`).
"""

from dataclasses import dataclass, replace
from typing import TypeVar

from tradeflow_kit.fields import MAX_BIGINT
from tradeflow_order.app.catalog_facts import tell_every_sku, tell_sku_changed
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.catalog import CatalogSku, Coupon, CouponUses, FreightTemplate, PointsEntry, PointsEntryKind
from tradeflow_order.domain.catalog_errors import (
    CouponNotFound,
    FreightTemplateNotFound,
    InvalidCatalogEntry,
    NotYourCatalogEntry,
    SkuNotFound,
)

Entry = TypeVar("Entry", CatalogSku, FreightTemplate, Coupon)
_STAMPS = ("version", "updated_at", "updated_by")  # what a put sets, not what it says


@dataclass(frozen=True)
class CatalogUser:
    """Who is managing: `actor` names them in the price book (`staff:s1`, `merchant:u1`)."""

    actor: str
    staff: bool = False
    merchant_id: str | None = None  # the merchant a merchant user acts for
    buyer_id: str | None = None


@dataclass(frozen=True)
class PointsLedger:
    buyer_id: str
    balance_amount: int
    entries: list[PointsEntry]  # newest first


async def put_sku(tx: OrderTransaction, c: Collaborators, user: CatalogUser,
                  sku: CatalogSku) -> tuple[CatalogSku, bool]:
    """The SKU as stored now, and whether this put created it."""
    _manages(user, sku.merchant_id, f"SKU {sku.sku}")
    current = (await tx.catalog.skus({sku.sku})).get(sku.sku)
    if current is not None:
        _manages(user, current.merchant_id, f"SKU {sku.sku}")
        if _unchanged(sku, current):
            return current, False
    stored = await tx.catalog.put_sku(replace(sku, updated_at=c.clock.now(), updated_by=user.actor))
    if not user.staff and stored.version != (current.version + 1 if current else 1):
        # Put by someone else since we read it: the version ours replaced must have been ours too.
        replaced = next(v for v in await tx.catalog.sku_versions(sku.sku) if v.version == stored.version - 1)
        _manages(user, replaced.merchant_id, f"SKU {sku.sku}")
    await tell_sku_changed(tx, stored, c.clock.now())
    return stored, stored.version == 1


async def announce_skus(tx: OrderTransaction, c: Collaborators, user: CatalogUser) -> int:
    """Staff: every SKU's current version told to the platform again (for a new reader); how many."""
    _staff_only(user, "announcements of the price book")
    return await tell_every_sku(tx, c.clock.now())


async def get_sku(tx: OrderTransaction, code: str) -> CatalogSku:
    if (sku := (await tx.catalog.skus({code})).get(code)) is None:
        raise SkuNotFound(f"no SKU {code}")
    return sku


async def list_skus(tx: OrderTransaction, *, merchant_id: str | None, limit: int,
                    after: str | None) -> list[CatalogSku]:
    """In code order, after the `after` code."""
    return await tx.catalog.find_skus(merchant_id=merchant_id, limit=limit, after=after)


async def sku_versions(tx: OrderTransaction, user: CatalogUser, code: str) -> list[CatalogSku]:
    """Oldest first; for staff and the merchant owning the SKU now."""
    current = await get_sku(tx, code)
    _manages(user, current.merchant_id, f"SKU {code}")
    return await tx.catalog.sku_versions(code)


async def put_freight_template(tx: OrderTransaction, c: Collaborators, user: CatalogUser,
                               template: FreightTemplate) -> tuple[FreightTemplate, bool]:
    """The template as stored now, and whether this put created it."""
    _manages(user, template.merchant_id, "freight template")
    current = (await tx.catalog.freight_templates({template.merchant_id})).get(template.merchant_id)
    if _unchanged(template, current):
        return current, False
    stored = await tx.catalog.put_freight_template(replace(template, updated_at=c.clock.now()))
    return stored, stored.version == 1


async def get_freight_template(tx: OrderTransaction, user: CatalogUser, merchant_id: str) -> FreightTemplate:
    _manages(user, merchant_id, "freight template")
    if (template := (await tx.catalog.freight_templates({merchant_id})).get(merchant_id)) is None:
        raise FreightTemplateNotFound(f"merchant {merchant_id} has no freight template")
    return template


async def put_coupon(tx: OrderTransaction, c: Collaborators, user: CatalogUser,
                     coupon: Coupon) -> tuple[Coupon, bool]:
    """The coupon as stored now, and whether this put created it."""
    _staff_only(user, "coupons")
    current = (await tx.catalog.coupons({coupon.code})).get(coupon.code)
    if _unchanged(coupon, current):
        return current, False
    stored = await tx.catalog.put_coupon(replace(coupon, updated_at=c.clock.now()))
    return stored, stored.version == 1


async def get_coupon(tx: OrderTransaction, user: CatalogUser, code: str,
                     buyer_id: str | None = None) -> tuple[Coupon, CouponUses]:
    """The coupon and how many orders hold it now (in all, and of `buyer_id`: 0 when None)."""
    _staff_only(user, "coupons")
    if (coupon := (await tx.catalog.coupons({code})).get(code)) is None:
        raise CouponNotFound(f"no coupon {code}")
    return coupon, await tx.catalog.coupon_uses(code, buyer_id or "")  # no buyer's id is empty


async def grant_points(tx: OrderTransaction, c: Collaborators, user: CatalogUser, buyer_id: str, amount: int,
                       reason: str) -> int:
    """Staff grant a buyer points (an `earned` entry); the buyer's balance after it, which must
    stay within the largest amount."""
    _staff_only(user, "points grants")
    if amount <= 0:
        raise InvalidCatalogEntry("points granted must be a positive amount", "amount")
    await tx.catalog.add_points(PointsEntry(buyer_id, amount, PointsEntryKind.EARNED, c.clock.now(),
                                            reason=reason, actor=user.actor))
    balance = await tx.catalog.points_balance(buyer_id)
    if balance > MAX_BIGINT:
        raise InvalidCatalogEntry(f"the balance would exceed the largest amount ({MAX_BIGINT})", "amount")
    return balance


async def read_points(tx: OrderTransaction, user: CatalogUser, buyer_id: str, limit: int = 100) -> PointsLedger:
    if not user.staff and user.buyer_id != buyer_id:
        raise NotYourCatalogEntry("a buyer reads only their own points")
    return PointsLedger(buyer_id, await tx.catalog.points_balance(buyer_id),
                        await tx.catalog.points_entries(buyer_id, limit=limit))


def _manages(user: CatalogUser, merchant_id: str, what: str) -> None:
    if not user.staff and user.merchant_id != merchant_id:
        raise NotYourCatalogEntry(f"{what}: a merchant manages only its own (merchant {merchant_id} is not yours)")


def _staff_only(user: CatalogUser, what: str) -> None:
    if not user.staff:
        raise NotYourCatalogEntry(f"{what} are managed by staff only")


def _unchanged(new: Entry, current: Entry | None) -> bool:
    """`new` says nothing `current` does not (its version and update stamps aside)."""
    if current is None:
        return False
    stamps = {name: getattr(current, name) for name in _STAMPS if hasattr(current, name)}
    return replace(new, **stamps) == current
