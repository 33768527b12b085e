"""Demo and test control: make the carrier report one event about a waybill, hand a parcel over
(the warehouse simulator does it at shipped), see which webhooks and returns went out. Not part of
a real carrier's API."""

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from tradeflow_simulators.tms.state import TmsState, tms_state


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: Literal["picked_up", "in_transit", "out_for_delivery", "signed", "intercept_ok", "intercept_fail"]
    duplicate: bool = False  # the webhook twice (same event id): the receiver must deduplicate


router = APIRouter(tags=["simulator control"])


@router.post("/sim/waybills/{waybill}", status_code=202)
async def report_event(waybill: str, report: Report, state: TmsState = Depends(tms_state)) -> dict:
    """One event per call, in whatever order the test sends them (the waybill's status only moves
    forward). `intercept_ok` / `intercept_fail` answer the interception asked (409 if none is
    waiting; `intercept_ok` 409 once signed); journey events on an intercepted waybill are 409.
    Auto mode leaves the waybill alone from then on."""
    queued = state.change(lambda: [state.carriers.report(waybill, report.event)], duplicate=report.duplicate)
    found = state.carriers.waybill(waybill)
    return {"waybill": waybill, "status": found.status.value, "interception": found.interception.value,
            "webhooks": [{"event_id": d.event_id, "type": d.type} for d in queued]}


@router.post("/sim/waybills/{waybill}/handover", status_code=202)
async def hand_over(waybill: str, state: TmsState = Depends(tms_state)) -> dict:
    """The warehouse gave the parcel to the courier: in auto mode the carrier moves it from now on."""
    found = state.hand_over(waybill)
    return {"waybill": waybill, "handed_over_at": found.handed_over_at.isoformat()}


@router.get("/sim/webhooks")
async def list_webhooks(waybill: str | None = None, state: TmsState = Depends(tms_state)) -> dict:
    return {"items": [d.describe("waybill") for d in state.deliveries.listing(waybill)]}


@router.get("/sim/handoffs")
async def list_handoffs(waybill: str | None = None, state: TmsState = Depends(tms_state)) -> dict:
    """The returns told to the warehouse (`type: return`), each retried until the warehouse took it."""
    return {"items": [d.describe("waybill") for d in state.handoffs.listing(waybill)]}
