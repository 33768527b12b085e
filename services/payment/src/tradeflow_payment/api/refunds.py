"""`POST /payments/{payment_id}/refunds` (staff): refund part or all of a succeeded payment along
its original route (app/issue_refund.py). `Idempotency-Key` is required: the same key and body
answer the first response again with `Idempotent-Replayed: true` (and the refund is made once),
the same key with another body is a 409."""

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import problem_docs
from tradeflow_payment.api.schemas import IssuedRefundOut, RefundIn
from tradeflow_payment.api.wiring import PaymentApi, payment_api
from tradeflow_payment.app.issue_refund import RefundRequest, issue_refund

router = APIRouter(prefix="/payments", tags=["refunds"])


def status_of(issued: IssuedRefundOut) -> int:
    """201: the provider answered (`succeeded`, or `failed` with its `failure_reason`);
    202: it could not be reached — `pending`, asked again by the retry job."""
    return 202 if issued.status == "pending" else 201


@router.post("/{payment_id}/refunds", summary="Staff: refund a payment (Idempotency-Key required)",
             status_code=201, response_model=IssuedRefundOut,
             responses={202: {"description": "Pending: the PSP could not be reached yet", "model": IssuedRefundOut},
                        **problem_docs(400, 401, 403, 404, 409, 422)})
async def refund(payment_id: str, body: RefundIn, who: Principal = Depends(require_roles(Role.STAFF)),
                 api: PaymentApi = Depends(payment_api),
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> JSONResponse:
    """At most what the payment took − refunded − being refunded (409 refund-exceeds-paid, with
    `refundable_amount`); 409 payment-not-succeeded for an attempt that took no money; 404 for
    an unknown payment; 400 idempotency-key-required without the header. The outcome is announced
    like the order saga's refunds (PaymentRefunded / RefundFailed) and the refund is listed in
    the payment's `refunds`."""
    scope = f"POST /payments/{payment_id}/refunds"
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            request = RefundRequest(payment_id, body.amount, body.reason, who.sub, str(idempotency_key))
            issued = IssuedRefundOut.of_issued(await issue_refund(tx, request, api.collaborators))
            return StoredResponse(status_of(issued), issued.model_dump(mode="json"))

        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, idempotency_key,
                                                      body.model_dump(mode="json"), command, required=True)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
