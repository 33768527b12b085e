"""The provider's merchant API, authenticated with `Authorization: Bearer <API key>`."""

import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, HttpUrl

from tradeflow_simulators.psp.ledger import LedgerError, PspPayment
from tradeflow_simulators.psp.state import PspState, psp_state


class ApiKeyRejected(LedgerError):
    code, status = "unauthorized", 401


def authenticated(request: Request) -> PspState:
    state = psp_state(request)
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    expected = state.settings.api_key.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), expected.encode()):
        raise ApiKeyRejected("send Authorization: Bearer <your PSP API key>")
    return state


class PaymentRequest(BaseModel):
    merchant_reference: str = Field(min_length=1, max_length=200)
    amount: int = Field(gt=0, description="minor units")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    notify_url: HttpUrl


class RefundRequest(BaseModel):
    psp_reference: str = Field(min_length=1)
    amount: int = Field(gt=0, description="minor units")
    refund_reference: str = Field(min_length=1, max_length=200)


def describe_payment(payment: PspPayment, state: PspState) -> dict:
    return {"psp_reference": payment.psp_reference, "merchant_reference": payment.merchant_reference,
            "amount": payment.amount, "currency": payment.currency, "status": payment.status.value,
            "refunded_amount": payment.refunded, "pay_url": f"{state.settings.base_url}/pay/{payment.psp_reference}"}


router = APIRouter(prefix="/v1", tags=["provider API"])


@router.post("/payments", status_code=201)
async def create_payment(body: PaymentRequest, state: PspState = Depends(authenticated)) -> dict:
    payment = state.ledger.create_payment(body.merchant_reference, body.amount, body.currency, str(body.notify_url))
    return describe_payment(payment, state)


@router.get("/payments/{psp_reference}")
async def get_payment(psp_reference: str, state: PspState = Depends(authenticated)) -> dict:
    return describe_payment(state.ledger.payment(psp_reference), state)


@router.post("/refunds", status_code=201)
async def create_refund(body: RefundRequest, state: PspState = Depends(authenticated)) -> JSONResponse:
    refund, new = state.ledger.refund(body.psp_reference, body.amount, body.refund_reference)
    answer = {"refund_psp_reference": refund.refund_psp_reference, "psp_reference": refund.psp_reference,
              "refund_reference": refund.refund_reference, "amount": refund.amount, "status": "succeeded"}
    return JSONResponse(answer, status_code=201 if new else 200)
