"""The carriers' API for shippers (our fulfillment service), authenticated with `Authorization:
Bearer <API key>`: issue a waybill, track it, void it before pickup, ask to intercept the parcel. Where the parcel goes
is reported later by webhook."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from tradeflow_simulators.edge import Receiver, Strict, check_bearer_key
from tradeflow_simulators.tms.state import TmsState, tms_state

CARRIER_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


def authenticated(request: Request) -> TmsState:
    state = tms_state(request)
    check_bearer_key(request, state.settings.api_key.get_secret_value(), "TMS")
    return state


class WaybillRequest(Strict):
    shipment_id: str = Field(min_length=1, max_length=100)
    carrier: str = Field(pattern=CARRIER_CODE)
    warehouse: str = Field(min_length=1, max_length=100)
    receiver: Receiver
    weight_grams: int = Field(gt=0, le=10_000_000)


router = APIRouter(prefix="/tms", tags=["provider API"])


@router.post("/waybills", status_code=201)
async def create_waybill(body: WaybillRequest, state: TmsState = Depends(authenticated)) -> JSONResponse:
    """Issue a waybill (201); the same request again answers 200 with the same waybill; other
    details for a shipment whose waybill is live are a 409 `shipment_has_waybill`."""
    waybill, new = state.carriers.issue(body.carrier, body.shipment_id, body.warehouse, body.receiver.model_dump(),
                                        body.weight_grams)
    answer = {"waybill": waybill.waybill, "carrier": waybill.carrier, "shipment_id": waybill.shipment_id,
              "status": waybill.status.value, "created_at": waybill.created_at.isoformat()}
    return JSONResponse(answer, status_code=201 if new else 200)


@router.get("/waybills/{waybill}")
async def get_waybill(waybill: str, state: TmsState = Depends(authenticated)) -> dict:
    return state.carriers.waybill(waybill).describe()


@router.post("/waybills/{waybill}/intercept", status_code=202)
async def intercept_waybill(waybill: str, state: TmsState = Depends(authenticated)) -> dict:
    """Ask the carrier to stop the parcel; the answer comes by webhook (`intercepted` or
    `intercept_failed`). 409 `waybill_signed` once it was signed for."""
    found = state.carriers.request_interception(waybill)
    return {"waybill": found.waybill, "status": found.status.value, "interception": found.interception.value}


@router.post("/waybills/{waybill}/cancel")
async def cancel_waybill(waybill: str, state: TmsState = Depends(authenticated)) -> dict:
    """Void a waybill the courier never had (again: the same answer); 409 `waybill_handed_over` after."""
    found = state.carriers.cancel(waybill)
    return {"waybill": found.waybill, "status": found.status.value}
