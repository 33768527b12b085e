"""Staff review of held shipments (API.md "Fulfillment"): `POST /fulfillment/shipments/{id}/approve`
`{note?}` and `POST /fulfillment/shipments/{id}/reject` `{reason}` → the shipment. Staff only;
`Idempotency-Key` accepted (the same key and body → the original answer, `Idempotent-Replayed`).
A shipment not in review is a 409 illegal-transition, an unknown one a 404."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from tradeflow_fulfillment.api.views import shipment_view
from tradeflow_fulfillment.api.wiring import Api, FulfillmentApi
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_fulfillment.app.review_shipment import approve_shipment, reject_shipment
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.fields import RequestModel, text
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/fulfillment", tags=["fulfillment"])
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Command = Callable[[FulfillmentTransaction], Awaitable[Shipment]]
REFUSALS = problem_docs(401, 403, 404, 409, 422)


class ApproveIn(RequestModel):
    note: text(500, multiline=True) | None = None


class RejectIn(RequestModel):
    reason: text(500, multiline=True)


@router.post("/shipments/{shipment_id}/approve", summary="Staff: release a shipment in review to dispatch",
             responses=REFUSALS)
async def post_approve(shipment_id: str, who: Staff, api: Api, body: ApproveIn | None = None,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    body = body or ApproveIn()

    async def run(tx: FulfillmentTransaction) -> Shipment:
        return await approve_shipment(tx, api.collaborators, shipment_id, f"staff:{who.sub}", body.note)
    return await _once(api, f"POST /fulfillment/shipments/{shipment_id}/approve", who, idempotency_key,
                       body.model_dump(mode="json"), run)


@router.post("/shipments/{shipment_id}/reject", summary="Staff: cancel a shipment in review", responses=REFUSALS)
async def post_reject(shipment_id: str, body: RejectIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: FulfillmentTransaction) -> Shipment:
        return await reject_shipment(tx, api.collaborators, shipment_id, f"staff:{who.sub}", body.reason)
    return await _once(api, f"POST /fulfillment/shipments/{shipment_id}/reject", who, idempotency_key,
                       body.model_dump(mode="json"), run)


async def _once(api: FulfillmentApi, scope: str, who: Principal, key: str | None, body: dict,
                run: Command) -> JSONResponse:
    """Run the command in one transaction; with an Idempotency-Key, at most once."""
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            return StoredResponse(200, shipment_view(await run(tx), internal=True))

        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, key, body, command)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
