"""`POST /payments/psp/callbacks`: the provider's webhook. No JWT — its HMAC signature over
the raw body, with a fresh timestamp, is the authentication; each provider event acts once."""

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tradeflow_kit.problems import Problem, validation_problem
from tradeflow_payment.api.schemas import CallbackAnswer, ProviderCallback
from tradeflow_payment.api.wiring import PaymentApi, payment_api
from tradeflow_payment.app.record_provider_notice import ProviderNotice, record_provider_notice
from tradeflow_payment.domain.callback_signature import CallbackRejected, verify_callback
from tradeflow_payment.domain.payment import Trigger

TIMESTAMP_HEADER, SIGNATURE_HEADER = "X-PSP-Timestamp", "X-PSP-Signature"
_TRIGGERS = {"payment.succeeded": Trigger.SUCCEED, "payment.failed": Trigger.FAIL}

router = APIRouter(prefix="/payments/psp", tags=["provider callbacks"])


def _authentic(request: Request, raw: bytes, api: PaymentApi) -> None:
    try:
        verify_callback(api.webhook_secret, request.headers.get(TIMESTAMP_HEADER),
                        request.headers.get(SIGNATURE_HEADER), raw, api.collaborators.clock.now(),
                        api.callback_tolerance)
    except CallbackRejected as exc:
        raise Problem(401, "invalid-callback-signature", "Callback not authenticated", detail=str(exc)) from exc


def _notice(raw: bytes) -> ProviderNotice:
    try:
        body = ProviderCallback.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_problem(RequestValidationError(exc.errors())) from exc
    return ProviderNotice(body.event_id, _TRIGGERS[body.type], body.psp_reference, body.merchant_reference,
                          body.amount, body.currency, body.occurred_at)


@router.post("/callbacks", response_model=CallbackAnswer, responses={401: {"description": "Bad signature"}})
async def provider_callback(request: Request, api: PaymentApi = Depends(payment_api)) -> CallbackAnswer:
    """A payment's outcome from the provider; any 2xx tells it to stop retrying."""
    raw = await request.body()
    _authentic(request, raw, api)
    notice = _notice(raw)
    async with api.transactions.begin() as tx:
        result = await record_provider_notice(tx, notice)
    return CallbackAnswer(event_id=notice.event_id, result=result.value)
