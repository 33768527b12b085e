"""After-sales return parcels as fulfillment holds them (staff and system; ops): `GET
/fulfillment/returns?order_id=` lists an order's, `GET /fulfillment/returns/{case_id}` one case's —
its status, what the warehouse holds of it (`registration`: registered, waybill, tries,
last_error; `registration_due_at` while the returns job still has to send it) and the units
restocked by shipment. An unknown case is a 404 `return-not-found`."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.encoders import jsonable_encoder

from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.domain.errors import CaseReturnNotFound
from tradeflow_fulfillment.domain.returns import CaseReturn
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/fulfillment/returns", tags=["after-sales returns"])
Ops = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.SYSTEM))]


@router.get("", summary="An order's after-sales return parcels", responses=problem_docs(401, 403))
async def get_returns(order_id: str, _who: Ops, api: Api) -> dict:
    async with api.transactions.read() as tx:
        found = await tx.returns.of_order(order_id)
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
        "received_at": r.received_at, "inspected_at": r.inspected_at, "note": r.note, "restocks": r.restocks})
