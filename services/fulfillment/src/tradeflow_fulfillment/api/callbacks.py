"""`POST /fulfillment/wms/callbacks` and `POST /fulfillment/tms/callbacks`: the warehouse's and
the carrier's webhooks. No JWT — the provider's HMAC signature over the raw body, with a fresh
timestamp, is the authentication (401 otherwise); each provider event acts once. The warehouse's
also carries its reports about after-sales return parcels (`case_return_received` — `held: true`
for a parcel that came after the case cancelled its return —, `case_return_inspected`,
`case_return_sent_back`; 404 for a return not expected yet).

Any 2xx tells the provider to stop sending: `{event_id, result}` with `result` `applied`,
`recorded` (kept in the history, not applied: late, out of order, about a former dispatch) or
`duplicate`. A report about an unknown shipment (404) or one not dispatched yet (409
not-dispatched-yet) is refused and so sent again later.
"""

import json
from datetime import datetime
from typing import Literal, TypeVar

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from tradeflow_fulfillment.api.wiring import Api, FulfillmentApi
from tradeflow_fulfillment.app.record_report import ProviderReport, record_report
from tradeflow_fulfillment.app.record_return_report import ReturnReport, record_return_report
from tradeflow_fulfillment.domain.dispatching import CARRIER, WAREHOUSE
from tradeflow_kit.problems import Problem, problem_docs, validation_problem
from tradeflow_kit.webhook_signature import CallbackRejected, WebhookSignature

router = APIRouter(prefix="/fulfillment", tags=["provider callbacks"])
Ref = Field(min_length=1, max_length=200)


class ProviderEvent(BaseModel):
    """The members we read; a provider's others (carrier, lines, reason, …) are let through."""

    event_id: str = Ref
    shipment_id: str = Ref
    occurred_at: AwareDatetime


class WarehouseEvent(ProviderEvent):
    type: Literal["picked", "packed", "shipped", "intercepted", "intercept_failed", "return_received"]
    dispatch_number: str = Ref


class CaseReturnEvent(BaseModel):
    """The warehouse about an after-sales case's return parcel (no shipment: the case's)."""

    event_id: str = Ref
    type: Literal["case_return_received", "case_return_inspected", "case_return_sent_back"]
    case_id: str = Ref
    occurred_at: AwareDatetime
    outcome: Literal["ok", "failed"] | None = None
    note: str = Field("", max_length=2000)
    held: bool = False  # received: the warehouse holds it for staff (the case cancelled its return)


CASE_RETURN_TYPES = {"case_return_received", "case_return_inspected", "case_return_sent_back"}


class CarrierEvent(ProviderEvent):
    type: Literal["picked_up", "in_transit", "out_for_delivery", "signed", "intercepted", "intercept_failed"]
    waybill: str = Ref


class CallbackAnswer(BaseModel):
    event_id: str
    result: Literal["applied", "recorded", "duplicate"]


E = TypeVar("E", bound=ProviderEvent)


@router.post("/wms/callbacks", response_model=CallbackAnswer, summary="The warehouse's signed webhook",
             responses=problem_docs(401, 404, 409, 422))
async def warehouse_callback(request: Request, api: Api) -> CallbackAnswer:
    """About a dispatch, or (`case_return_received`, `case_return_inspected`, `case_return_sent_back`)
    a case's return."""
    if _type_of(await request.body()) in CASE_RETURN_TYPES:
        returned = await _authentic(request, api, api.warehouse_signature, CaseReturnEvent)
        return await _record_return(api, returned)
    event = await _authentic(request, api, api.warehouse_signature, WarehouseEvent)
    return await _record(api, ProviderReport(WAREHOUSE, event.event_id, event.type, event.shipment_id,
                                             event.dispatch_number, event.occurred_at))


@router.post("/tms/callbacks", response_model=CallbackAnswer, summary="The carrier's signed webhook",
             responses=problem_docs(401, 404, 409, 422))
async def carrier_callback(request: Request, api: Api) -> CallbackAnswer:
    event = await _authentic(request, api, api.carrier_signature, CarrierEvent)
    return await _record(api, ProviderReport(CARRIER, event.event_id, event.type, event.shipment_id, event.waybill,
                                             event.occurred_at))


async def _authentic(request: Request, api: FulfillmentApi, signature: WebhookSignature, shape: type[E]) -> E:
    raw = await request.body()
    try:
        signature.verify(request.headers, raw, _now(api))
    except CallbackRejected as exc:
        raise Problem(401, "invalid-callback-signature", "Callback not authenticated", detail=str(exc)) from exc
    try:
        return shape.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_problem(RequestValidationError(exc.errors())) from exc


def _type_of(raw: bytes) -> str | None:
    """The event's type, to choose its shape (still verified and validated as a whole after)."""
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    return event.get("type") if isinstance(event, dict) else None


async def _record_return(api: FulfillmentApi, event: CaseReturnEvent) -> CallbackAnswer:
    if event.type == "case_return_inspected" and event.outcome is None:
        raise Problem(422, "validation-error", "Invalid callback", detail="an inspection needs its outcome")
    report = ReturnReport(event.event_id, event.type, event.case_id, event.occurred_at, event.outcome, event.note,
                          event.held)
    async with api.transactions.begin() as tx:
        result = await record_return_report(tx, report, _now(api))
    return CallbackAnswer(event_id=event.event_id, result=result)


async def _record(api: FulfillmentApi, report: ProviderReport) -> CallbackAnswer:
    async with api.transactions.begin() as tx:
        result = await record_report(tx, report, _now(api), api.collaborators)
    return CallbackAnswer(event_id=report.event_id, result=result.value)


def _now(api: FulfillmentApi) -> datetime:
    return api.collaborators.clock.now()
