"""`GET /entitlements?account=` (API.md "Fulfillment … and entitlements"): a buyer reads the
entitlements of their own account (`account` omitted, or their `sub`); staff and system read
any account's, or all of them. Another account is a 403."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tradeflow_fulfillment.api.views import entitlement_view
from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.app.read_fulfillment import list_entitlements
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.problems import Problem, problem_docs

router = APIRouter(prefix="/entitlements", tags=["entitlements"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.SYSTEM))]


@router.get("", summary="Entitlements of an account, newest first", responses=problem_docs(400, 401, 403, 422))
async def get_entitlements(who: Readers, api: Api, account: str | None = None,
                           limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    if not who.sees_all:
        if account not in (None, who.buyer_id):
            raise Problem(403, "forbidden", "Not allowed", detail="a buyer reads only their own account's entitlements")
        account = who.buyer_id
    async with api.transactions.read() as tx:
        found = await list_entitlements(tx, account=account, limit=limit + 1, before=decode_cursor(cursor))
    page, more = found[:limit], len(found) > limit
    return {"items": [entitlement_view(e) for e in page],
            "next_cursor": encode_cursor(page[-1].granted_at, page[-1].id) if more else None}
