"""Demo and test control: decide what the warehouse does with a dispatch, see which webhooks
went out, switch auto-advance. Not part of a real WMS's API."""

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

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
    notices = state.warehouse.decide(dispatch_number, decision.outcome)
    queued = state.report(notices, duplicate=decision.duplicate, out_of_order=decision.out_of_order)
    dispatch = state.warehouse.dispatch(dispatch_number)
    return {"dispatch_number": dispatch_number, "status": dispatch.status.value,
            "interception": dispatch.interception.value,
            "webhooks": [{"event_id": d.event_id, "type": d.type} for d in queued]}


@router.get("/sim/webhooks")
async def list_webhooks(dispatch_number: str | None = None, state: WmsState = Depends(wms_state)) -> dict:
    return {"items": [d.describe("dispatch_number") for d in state.deliveries.listing(dispatch_number)]}
