"""The price book's API (API.md "Catalog, freight, coupons, points"): thin routes that parse,
name the caller and call one use case of `app.manage_catalog` (which holds who may do what).

The roles let in per route: SKUs are read by anyone signed in and put by staff and merchants;
freight templates are for staff and merchants; coupons, points grants and announcing the SKUs
again for staff; a buyer's points for staff and buyers. A PUT answers 201 (with its Location) when
it created the entry, else 200; the POSTs take an Idempotency-Key.
"""

import base64
import binascii
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import JSONResponse

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import ErrorMap, Problem, Refusal
from tradeflow_order.api.catalog_schemas import (
    CouponIn,
    FreightTemplateIn,
    PointsGrantIn,
    SkuIn,
    coupon_view,
    points_view,
    sku_version_view,
    sku_view,
    template_view,
)
from tradeflow_order.api.wiring import Api
from tradeflow_order.app import manage_catalog as catalog
from tradeflow_order.domain.catalog_errors import (
    CouponNotFound,
    FreightTemplateNotFound,
    InvalidCatalogEntry,
    NotYourCatalogEntry,
    SkuNotFound,
)

router = APIRouter(prefix="/catalog", tags=["catalog"])
Anyone = Annotated[Principal, Depends(require_roles(*Role))]
Managers = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.MERCHANT))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
PointsReaders = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.BUYER))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
NewId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^\S+$", description="an id: no whitespace")]

CATALOG_PROBLEMS = ErrorMap(
    Refusal(SkuNotFound, 404, "SKU not found"),
    Refusal(FreightTemplateNotFound, 404, "Freight template not found"),
    Refusal(CouponNotFound, 404, "Coupon not found"),
    Refusal(NotYourCatalogEntry, 403, "Not allowed"),
    Refusal(InvalidCatalogEntry, 422, "Invalid catalog entry",
            errors=lambda exc: [{"field": exc.field, "message": str(exc)}]),
)


@router.put("/skus/{sku}", summary="Staff or the owning merchant: store a new version of a SKU")
async def put_sku(sku: NewId, body: SkuIn, who: Managers, api: Api) -> JSONResponse:
    async with api.transactions.begin() as tx:
        stored, created = await catalog.put_sku(tx, api.collaborators, _user(who), body.to_sku(sku))
    return _put(sku_view(stored), created, f"/catalog/skus/{sku}")


@router.post("/skus/announce", summary="Staff: tell every SKU's current version to the platform again "
             "(Idempotency-Key accepted)")
async def announce_skus(who: Staff, api: Api, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Publishes CatalogSkuChanged for every SKU (read page by page) in one transaction, so a new
    reader of the price book (after-sales) gets the SKUs that existed before it; `announced`: how
    many. Readers keep the highest version: announcing again changes nothing for them."""
    async with api.transactions.begin() as tx:
        async def announce() -> StoredResponse:
            return StoredResponse(200, {"announced": await catalog.announce_skus(tx, api.collaborators, _user(who))})

        answer, replayed = await api.idempotency.once(tx.session, "POST /catalog/skus/announce", who.sub,
                                                      idempotency_key, {}, announce)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)


@router.get("/skus/{sku}", summary="A SKU's current version")
async def get_sku(sku: str, _who: Anyone, api: Api) -> dict:
    async with api.transactions.read() as tx:
        return sku_view(await catalog.get_sku(tx, sku))


@router.get("/skus/{sku}/versions", summary="Staff or the owning merchant: every version of a SKU, oldest first")
async def get_sku_versions(sku: str, who: Managers, api: Api) -> dict:
    async with api.transactions.read() as tx:
        versions = await catalog.sku_versions(tx, _user(who), sku)
    return {"items": [sku_version_view(v) for v in versions], "next_cursor": None}


@router.get("/skus", summary="SKUs in code order, optionally of one merchant")
async def get_skus(_who: Anyone, api: Api, merchant_id: str | None = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    async with api.transactions.read() as tx:
        skus = await catalog.list_skus(tx, merchant_id=merchant_id, limit=limit + 1, after=_after(cursor))
    page, more = skus[:limit], len(skus) > limit
    return {"items": [sku_view(s) for s in page], "next_cursor": _cursor(page[-1].sku) if more else None}


@router.put("/freight-templates/{merchant_id}", summary="Staff or the merchant: store its freight template")
async def put_freight_template(merchant_id: NewId, body: FreightTemplateIn, who: Managers, api: Api) -> JSONResponse:
    async with api.transactions.begin() as tx:
        stored, created = await catalog.put_freight_template(tx, api.collaborators, _user(who),
                                                             body.to_template(merchant_id))
    return _put(template_view(stored), created, f"/catalog/freight-templates/{merchant_id}")


@router.get("/freight-templates/{merchant_id}", summary="Staff or the merchant: its freight template")
async def get_freight_template(merchant_id: str, who: Managers, api: Api) -> dict:
    async with api.transactions.read() as tx:
        return template_view(await catalog.get_freight_template(tx, _user(who), merchant_id))


@router.put("/coupons/{code}", summary="Staff: store a coupon")
async def put_coupon(code: NewId, body: CouponIn, who: Staff, api: Api) -> JSONResponse:
    async with api.transactions.begin() as tx:
        stored, created = await catalog.put_coupon(tx, api.collaborators, _user(who), body.to_coupon(code))
    return _put(coupon_view(stored), created, f"/catalog/coupons/{code}")


@router.get("/coupons/{code}", summary="Staff: a coupon and how many orders hold it now")
async def get_coupon(code: str, who: Staff, api: Api, buyer_id: str | None = None) -> dict:
    """`uses.held`: the orders holding it now (not cancelled or refunded); with `buyer_id`, also
    `uses.held_by_buyer`."""
    async with api.transactions.read() as tx:
        coupon, uses = await catalog.get_coupon(tx, _user(who), code, buyer_id)
    return coupon_view(coupon, uses, buyer_id)


@router.post("/points/{buyer_id}", summary="Staff: grant a buyer points (Idempotency-Key accepted)")
async def post_points(buyer_id: NewId, body: PointsGrantIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with api.transactions.begin() as tx:
        async def grant() -> StoredResponse:
            balance = await catalog.grant_points(tx, api.collaborators, _user(who), buyer_id, body.amount,
                                                 body.reason)
            return StoredResponse(200, {"buyer_id": buyer_id, "balance_amount": balance,
                                        "granted_amount": body.amount})

        answer, replayed = await api.idempotency.once(tx.session, f"POST /catalog/points/{buyer_id}", who.sub,
                                                      idempotency_key, body.model_dump(mode="json"), grant)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)


@router.get("/points/{buyer_id}", summary="Staff, or the buyer: the points balance and its latest entries")
async def get_points(buyer_id: str, who: PointsReaders, api: Api,
                     limit: Annotated[int, Query(ge=1, le=100)] = 100) -> dict:
    async with api.transactions.read() as tx:
        return points_view(await catalog.read_points(tx, _user(who), buyer_id, limit))


def _user(who: Principal) -> catalog.CatalogUser:
    staff = Role.STAFF in who.roles
    role = "staff" if staff else "merchant" if who.merchant_id else "buyer"
    return catalog.CatalogUser(f"{role}:{who.sub}", staff=staff, merchant_id=who.merchant_id, buyer_id=who.buyer_id)


def _put(view: dict, created: bool, location: str) -> JSONResponse:
    """201 with the new entry's Location (percent-encoded: a code may be any Unicode text, a
    header only Latin-1), or 200 when it existed."""
    return JSONResponse(view, 201 if created else 200, headers={"Location": quote(location)} if created else None)


def _cursor(sku: str) -> str:
    """The cursor after the SKU `sku` (the list is in code order)."""
    return base64.urlsafe_b64encode(f"sku:{sku}".encode()).decode()


def _after(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        kind, _, sku = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        kind, sku = "", ""
    if kind != "sku" or not sku or not sku.isprintable():
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor is not one this API gave out",
                      errors=[{"field": "cursor", "message": "invalid"}])
    return sku
