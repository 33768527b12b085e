"""After-sales return parcels as fulfillment holds them (staff and system; ops): `GET
/fulfillment/returns?order_id=&status=` lists an order's, or those in a status (e.g. `held`:
parcels the warehouse keeps for staff), at least one filter, oldest first (`limit`, default 100);
`GET /fulfillment/returns/{case_id}` one case's — its status (expected, received, inspected_ok,
inspected_failed, cancelled, held, sent_back), what the warehouse holds of it (`registration`:
registered, waybill, tries, last_error; `registration_due_at` while the returns job still has to
send the registration or the cancel), its `cancellation` (reason, send_back, at, moot, told_at,
sent_back_at) and the units restocked by shipment. An unknown case is a 404 `return-not-found`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder

from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.domain.errors import CaseReturnNotFound
from tradeflow_fulfillment.domain.returns import CaseReturn, ReturnStatus
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import Problem, problem_docs

router = APIRouter(prefix="/fulfillment/returns", tags=["after-sales returns"])
Ops = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.SYSTEM))]


@router.get("", summary="After-sales return parcels: an order's, or in a status",
            responses=problem_docs(401, 403, 422))
async def get_returns(_who: Ops, api: Api, order_id: str | None = None, status: ReturnStatus | None = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    if order_id is None and status is None:
        raise Problem(422, "validation-error", "Invalid request", detail="give order_id, status or both")
    async with api.transactions.read() as tx:
        found = await tx.returns.find(order_id=order_id, status=None if status is None else status.value, limit=limit)
    return {"items": [return_view(r) for r in found]}


@router.get("/{case_id}", summary="An after-sales case's return parcel", responses=problem_docs(401, 403, 404))
async def get_return(case_id: str, _who: Ops, api: Api) -> dict:
    async with api.transactions.read() as tx:
        found = await tx.returns.get(case_id)
    if found is None:
        raise CaseReturnNotFound(f"no return of case {case_id} is expected")
    return return_view(found)


def return_view(r: CaseReturn) -> dict:
    return jsonable_encoder({
        "case_id": r.case_id, "order_id": r.order_id, "warehouse": r.warehouse, "status": r.status,
        "lines": r.lines, "carrier": r.carrier, "waybill": r.waybill, "expected_at": r.expected_at,
        "registration": r.registration, "registration_due_at": r.registration_due_at,
        "received_at": r.received_at, "inspected_at": r.inspected_at, "note": r.note, "restocks": r.restocks,
        "cancellation": r.cancellation})
