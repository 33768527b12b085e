"""Entitlements (API.md "Fulfillment … and entitlements").

* `GET /entitlements?account=`: a buyer reads the entitlements of their own account (`account`
  omitted, or their `sub`); staff and system read any account's, or all of them. Another account
  is a 403. A revoked one stays listed: `status: revoked`, `revoked_at`, `revoke_reason`.
* `POST /entitlements/{id}/revoke` `{reason}` (staff, `Idempotency-Key` required): an active
  entitlement is revoked (EntitlementRevoked published) → the entitlement; one revoked already is
  a 409 `entitlement-revoked` with its `revoked_at` and `revoke_reason`; an unknown one a 404
  `entitlement-not-found`; a blank reason a 422.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from tradeflow_fulfillment.api.commands import run_once
from tradeflow_fulfillment.api.views import entitlement_view
from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_fulfillment.app.read_fulfillment import list_entitlements
from tradeflow_fulfillment.app.revoke_entitlement import revoke_entitlement
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.fields import RequestModel, text
from tradeflow_kit.problems import Problem, problem_docs

router = APIRouter(prefix="/entitlements", tags=["entitlements"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.SYSTEM))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


class RevokeIn(RequestModel):
    reason: Annotated[text(500, multiline=True), AfterValidator(_not_blank)]


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


@router.post("/{entitlement_id}/revoke", summary="Staff: revoke an active entitlement, with a reason",
             responses=problem_docs(400, 401, 403, 404, 409, 422))
async def post_revoke(entitlement_id: str, body: RevokeIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: FulfillmentTransaction) -> dict:
        return entitlement_view(await revoke_entitlement(tx, api.collaborators, entitlement_id, f"staff:{who.sub}",
                                                         body.reason))
    return await run_once(api, f"POST /entitlements/{entitlement_id}/revoke", who, idempotency_key,
                          body.model_dump(mode="json"), run, required=True)
