"""The warehouse's API for its clients (our fulfillment service), authenticated with
`Authorization: Bearer <API key>`: take a dispatch instruction, tell its status, ask to
intercept it; expect an after-sales case's return parcel (`/wms/returns`) and stop expecting it
(`/wms/returns/{case_id}/cancel`). What happens to a
dispatch or a return is reported later by webhook, never in a reply."""

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field, model_validator

from tradeflow_simulators.edge import Receiver, Strict, check_bearer_key
from tradeflow_simulators.wms.returns import CaseReturn, ReturnLine
from tradeflow_simulators.wms.state import WmsState, wms_state
from tradeflow_simulators.wms.warehouse import Dispatch, DispatchLine

DISPATCH_NUMBER = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


def authenticated(request: Request) -> WmsState:
    state = wms_state(request)
    check_bearer_key(request, state.settings.api_key.get_secret_value(), "WMS")
    return state


class Line(Strict):
    line_id: str = Field(min_length=1, max_length=100)
    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(gt=0, le=100_000)


class DispatchRequest(Strict):
    dispatch_number: str = Field(pattern=DISPATCH_NUMBER)
    warehouse: str = Field(min_length=1, max_length=100)
    shipment_id: str = Field(min_length=1, max_length=100)
    carrier: str = Field(min_length=1, max_length=50)
    waybill: str = Field(min_length=1, max_length=100)
    receiver: Receiver
    lines: list[Line] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_entry_per_line(self) -> "DispatchRequest":
        if len({line.line_id for line in self.lines}) != len(self.lines):
            raise ValueError("each line_id may appear once in lines")
        return self


router = APIRouter(prefix="/wms", tags=["provider API"])


@router.post("/dispatches", status_code=201)
async def create_dispatch(body: DispatchRequest, state: WmsState = Depends(authenticated)) -> dict:
    """Take a dispatch instruction (409 `duplicate_dispatch_number` for a number taken before)."""
    lines = tuple(DispatchLine(line.line_id, line.sku, line.quantity) for line in body.lines)
    dispatch = state.warehouse.accept(Dispatch(
        body.dispatch_number, body.warehouse, body.shipment_id, body.carrier, body.waybill,
        body.receiver.model_dump(), lines, state.warehouse.clock()))
    return {"dispatch_number": dispatch.dispatch_number, "status": dispatch.status.value,
            "accepted_at": dispatch.accepted_at.isoformat()}


@router.get("/dispatches/{dispatch_number}")
async def get_dispatch(dispatch_number: str, state: WmsState = Depends(authenticated)) -> dict:
    return state.warehouse.dispatch(dispatch_number).describe()


@router.post("/dispatches/{dispatch_number}/intercept", status_code=202)
async def intercept_dispatch(dispatch_number: str, state: WmsState = Depends(authenticated)) -> dict:
    """Ask the warehouse to stop the dispatch; the answer comes by webhook (`intercepted` or
    `intercept_failed`). 409 `dispatch_already_shipped` once it has shipped."""
    dispatch = state.warehouse.request_interception(dispatch_number)
    return {"dispatch_number": dispatch.dispatch_number, "status": dispatch.status.value,
            "interception": dispatch.interception.value}


class ReturnRequest(Strict):
    case_id: str = Field(min_length=1, max_length=100)
    order_id: str = Field(min_length=1, max_length=100)
    warehouse: str = Field(min_length=1, max_length=100)
    lines: list[Line] = Field(min_length=1, max_length=500)
    carrier: str | None = Field(None, min_length=1, max_length=50)
    waybill: str | None = Field(None, min_length=1, max_length=100)


@router.post("/returns", status_code=201)
async def register_return(body: ReturnRequest, response: Response, state: WmsState = Depends(authenticated)) -> dict:
    """Expect a case's return parcel: 201 the first time; again 200 — with a (new) waybill it is
    recorded, otherwise nothing changes; other lines or another warehouse: 409 `return_conflict`."""
    lines = tuple(ReturnLine(line.line_id, line.sku, line.quantity) for line in body.lines)
    held, outcome = state.returns.register(CaseReturn(body.case_id, body.order_id, body.warehouse, lines,
                                                      state.warehouse.clock(), body.carrier, body.waybill))
    if outcome != "created":
        response.status_code = 200
    return held.describe() | {"registration": outcome}


class CancelRequest(Strict):
    send_back: bool = False


@router.post("/returns/{case_id}/cancel")
async def cancel_return(case_id: str, body: CancelRequest, state: WmsState = Depends(authenticated)) -> dict:
    """The case no longer waits for its parcel: `cancellation` says what the warehouse did —
    `cancelled` (not received), `sent_back` (received; reported by webhook), `held` (received, for
    staff), `nothing_to_do` (inspected ok), `unchanged` (cancelled before). 404 `return_not_found`."""
    done: list[str] = []

    def decide() -> list:
        notices, outcome = state.returns.cancel(case_id, body.send_back)
        done.append(outcome)
        return notices

    state.change(decide)
    return state.returns.get(case_id).describe() | {"cancellation": done[0]}


@router.get("/returns/{case_id}")
async def get_return(case_id: str, state: WmsState = Depends(authenticated)) -> dict:
    return state.returns.get(case_id).describe()
