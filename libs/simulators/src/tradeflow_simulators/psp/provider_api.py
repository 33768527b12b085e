"""The provider's merchant API, authenticated with `Authorization: Bearer <API key>`."""

import base64
import binascii

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field, HttpUrl

from tradeflow_simulators.edge import check_bearer_key
from tradeflow_simulators.psp.ledger import LedgerError, PspPayment
from tradeflow_simulators.psp.state import PspState, psp_state


def authenticated(request: Request) -> PspState:
    state = psp_state(request)
    check_bearer_key(request, state.settings.api_key.get_secret_value(), "PSP")
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
            "refunded_amount": payment.refunded, "pay_url": f"{state.settings.base_url}/pay/{payment.psp_reference}",
            "created_at": payment.created_at.isoformat(),
            "decided_at": payment.decided_at.isoformat() if payment.decided_at else None}


router = APIRouter(prefix="/v1", tags=["provider API"])


@router.post("/payments", status_code=201)
async def create_payment(body: PaymentRequest, state: PspState = Depends(authenticated)) -> dict:
    payment = state.ledger.create_payment(body.merchant_reference, body.amount, body.currency, str(body.notify_url))
    return describe_payment(payment, state)


@router.get("/payments")
async def list_payments(created_from: AwareDatetime | None = None, created_to: AwareDatetime | None = None,
                        limit: int = Query(100, ge=1, le=500), starting_after: str | None = None,
                        state: PspState = Depends(authenticated)) -> dict:
    """Payments created in [created_from, created_to), oldest first, for reconciliation; page on
    with `starting_after` = the previous page's `next_cursor` (null on the last page)."""
    after = state.ledger.payment(_reference_in(starting_after)) if starting_after else None
    page = state.ledger.payments(created_from, created_to, after, limit + 1)
    more, page = len(page) > limit, page[:limit]
    return {"items": [describe_payment(p, state) for p in page],
            "next_cursor": _cursor(page[-1].psp_reference) if more else None}


def _cursor(psp_reference: str) -> str:
    return base64.urlsafe_b64encode(psp_reference.encode()).decode()


def _reference_in(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor("starting_after is not a cursor this API gave") from None


class InvalidCursor(LedgerError):
    code, status = "invalid_cursor", 400


class RefundDeclined(LedgerError):
    code, status = "refund_declined", 422


@router.post("/payments/{psp_reference}/cancel")
async def cancel_payment(psp_reference: str, state: PspState = Depends(authenticated)) -> dict:
    """Close an undecided payment: the buyer can no longer pay it (409 with `payment_status` if
    it was decided first — a success wins the race and stays captured)."""
    return describe_payment(state.ledger.cancel(psp_reference), state)


@router.get("/payments/{psp_reference}")
async def get_payment(psp_reference: str, state: PspState = Depends(authenticated)) -> dict:
    return describe_payment(state.ledger.payment(psp_reference), state)


@router.post("/refunds", status_code=201)
async def create_refund(body: RefundRequest, state: PspState = Depends(authenticated)) -> JSONResponse:
    if (failure := state.refund_failures.take()) == "unavailable":
        return JSONResponse({"error": {"code": "temporarily_unavailable", "message": "try again later"}},
                            status_code=503)
    if failure == "declined":
        raise RefundDeclined(f"refund {body.refund_reference} declined by the provider (test switch)")
    refund, new = state.ledger.refund(body.psp_reference, body.amount, body.refund_reference)
    answer = {"refund_psp_reference": refund.refund_psp_reference, "psp_reference": refund.psp_reference,
              "refund_reference": refund.refund_reference, "amount": refund.amount, "status": "succeeded"}
    return JSONResponse(answer, status_code=201 if new else 200)
