"""Staff review of held shipments (API.md "Fulfillment"): `POST /fulfillment/shipments/{id}/approve`
`{note?}` and `POST /fulfillment/shipments/{id}/reject` `{reason}` → the shipment, `Idempotency-Key`
accepted; `POST /fulfillment/shipments/{id}/merge` `{shipments: [id, …], note?}` → the shipment the
others were merged into, `Idempotency-Key` required. Staff only (the same key and body → the
original answer, `Idempotent-Replayed`). A shipment not in review is a 409 illegal-transition, a
merge refused a 409 `merge-…` naming the shipment (`shipment_id`) and why, an unknown shipment a
404."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from tradeflow_fulfillment.api.commands import run_once
from tradeflow_fulfillment.api.views import shipment_view
from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.app.merge_shipments import merge_shipments
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_fulfillment.app.review_shipment import approve_shipment, reject_shipment
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.fields import Id, RequestModel, text
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/fulfillment", tags=["fulfillment"])
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
REFUSALS = problem_docs(401, 403, 404, 409, 422)
MAX_MERGED = 20  # shipments merged by hand at once: a parcel, not a truck


class ApproveIn(RequestModel):
    note: text(500, multiline=True) | None = None


class RejectIn(RequestModel):
    reason: text(500, multiline=True)


class MergeIn(RequestModel):
    shipments: Annotated[list[Id], Field(min_length=1, max_length=MAX_MERGED)]
    note: text(500, multiline=True) | None = None

    @field_validator("shipments")
    @classmethod
    def _each_once(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) < len(ids):
            raise PydanticCustomError("shipment_named_twice", "must name each shipment once")
        return ids


@router.post("/shipments/{shipment_id}/approve", summary="Staff: release a shipment in review to dispatch",
             responses=REFUSALS)
async def post_approve(shipment_id: str, who: Staff, api: Api, body: ApproveIn | None = None,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    body = body or ApproveIn()

    async def run(tx: FulfillmentTransaction) -> dict:
        return shipment_view(await approve_shipment(tx, api.collaborators, shipment_id, f"staff:{who.sub}",
                                                    body.note), internal=True)
    return await run_once(api, f"POST /fulfillment/shipments/{shipment_id}/approve", who, idempotency_key,
                          body.model_dump(mode="json"), run)


@router.post("/shipments/{shipment_id}/reject", summary="Staff: cancel a shipment in review", responses=REFUSALS)
async def post_reject(shipment_id: str, body: RejectIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: FulfillmentTransaction) -> dict:
        return shipment_view(await reject_shipment(tx, api.collaborators, shipment_id, f"staff:{who.sub}",
                                                   body.reason), internal=True)
    return await run_once(api, f"POST /fulfillment/shipments/{shipment_id}/reject", who, idempotency_key,
                          body.model_dump(mode="json"), run)


@router.post("/shipments/{shipment_id}/merge", responses=problem_docs(400, 401, 403, 404, 409, 422),
             summary="Staff: merge held shipments of one buyer, receiver and warehouse into this one")
async def post_merge(shipment_id: str, body: MergeIn, who: Staff, api: Api,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: FulfillmentTransaction) -> dict:
        return shipment_view(await merge_shipments(tx, api.collaborators, shipment_id, body.shipments,
                                                   f"staff:{who.sub}", body.note), internal=True)
    return await run_once(api, f"POST /fulfillment/shipments/{shipment_id}/merge", who, idempotency_key,
                          body.model_dump(mode="json"), run, required=True)
