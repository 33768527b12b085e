"""Demo and test control: decide what the warehouse does with a dispatch or with an after-sales
case's return parcel, hear from the carrier simulator that a parcel comes back, see which webhooks
and hand-overs went out. Not part of a real WMS's API."""

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from tradeflow_simulators.edge import Strict
from tradeflow_simulators.wms.state import WmsState, wms_state


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["ship", "intercept_ok", "intercept_fail", "ignore", "return_received"]
    duplicate: bool = False  # every webhook twice (same event id): the receiver must deduplicate
    out_of_order: bool = False  # this decision's webhooks in reverse order


router = APIRouter(tags=["simulator control"])


@router.post("/sim/dispatches/{dispatch_number}", status_code=202)
async def decide_dispatch(dispatch_number: str, decision: Decision, state: WmsState = Depends(wms_state)) -> dict:
    """`ship`: picked, packed, shipped (those not reported yet; 409 if shipped or intercepted);
    `intercept_ok` / `intercept_fail`: answer the interception asked (409 if none is waiting;
    `intercept_ok` 409 once shipped); `ignore`: never report on the dispatch again (an
    interception that times out); `return_received`: the shipped parcel came back and is received
    (409 unless shipped). Auto mode leaves a decided dispatch alone."""
    queued = state.change(lambda: state.warehouse.decide(dispatch_number, decision.outcome),
                          duplicate=decision.duplicate, out_of_order=decision.out_of_order)
    dispatch = state.warehouse.dispatch(dispatch_number)
    return {"dispatch_number": dispatch_number, "status": dispatch.status.value,
            "interception": dispatch.interception.value,
            "webhooks": [{"event_id": d.event_id, "type": d.type} for d in queued]}


class CaseReturnDecision(Strict):
    outcome: Literal["receive", "inspect_ok", "inspect_fail"]
    note: str = ""
    duplicate: bool = False  # every webhook twice (same event id)
    out_of_order: bool = False  # this decision's webhooks in reverse order


@router.post("/sim/case-returns/{case_id}", status_code=202)
async def decide_case_return(case_id: str, decision: CaseReturnDecision, state: WmsState = Depends(wms_state)) -> dict:
    """An after-sales case's return parcel: `receive` (again: nothing reported; after its cancel:
    held, reported with `held: true`), `inspect_ok` / `inspect_fail` (with `note`; received first if
    it was not; 409 `return_inspected` once inspected, `return_cancelled` once cancelled). 404
    `return_not_found` if it was never registered. Auto mode leaves it alone after."""
    queued = state.change(lambda: state.returns.decide(case_id, decision.outcome, decision.note),
                          duplicate=decision.duplicate, out_of_order=decision.out_of_order)
    return state.returns.get(case_id).describe() | {
        "webhooks": [{"event_id": d.event_id, "type": d.type} for d in queued]}


class Return(Strict):
    waybill: str


@router.post("/sim/returns", status_code=202)
async def expect_return(body: Return, state: WmsState = Depends(wms_state)) -> dict:
    """The carrier stopped the parcel of `waybill` after the hand-over and is bringing it back
    (the carrier simulator calls it, `TMS_SIM_WAREHOUSE_URL`): in auto mode the warehouse reports
    `return_received` at its next step; a decided dispatch waits for the control API. Again:
    nothing changes. 404 `dispatch_not_found` if no dispatch of that waybill has shipped."""
    dispatch = state.warehouse.expect_return(body.waybill)
    return {"dispatch_number": dispatch.dispatch_number, "waybill": body.waybill, "status": dispatch.status.value,
            "return_due": dispatch.return_due}


@router.get("/sim/webhooks")
async def list_webhooks(dispatch_number: str | None = None, case_id: str | None = None,
                        state: WmsState = Depends(wms_state)) -> dict:
    """The webhooks about a dispatch (`dispatch_number`), a case's return (`case_id`), or all."""
    if case_id is not None:
        return {"items": [d.describe("case_id") for d in state.deliveries.listing(case_id)]}
    return {"items": [d.describe("dispatch_number") for d in state.deliveries.listing(dispatch_number)]}


@router.get("/sim/handoffs")
async def list_handoffs(waybill: str | None = None, state: WmsState = Depends(wms_state)) -> dict:
    """The hand-overs to the carrier (`type: handover`), each retried until the carrier took it."""
    return {"items": [d.describe("waybill") for d in state.handoffs.listing(waybill)]}
