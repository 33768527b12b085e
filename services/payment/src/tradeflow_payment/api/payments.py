"""`POST /payments` (the buyer starts paying), `GET /payments/{id}`, `GET /payments?order_id=`."""

import base64
import binascii

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import Problem
from tradeflow_payment.api.schemas import PaymentOut, PaymentPage, StartPayment
from tradeflow_payment.api.wiring import PaymentApi, payment_api, reader
from tradeflow_payment.app.read_payments import PaymentRecord, read_order_payments, read_payment
from tradeflow_payment.app.start_payment import start_payment, when_payable

SCOPE = "POST /payments"
router = APIRouter(prefix="/payments", tags=["payments"])
readers = require_roles(Role.BUYER, Role.STAFF, Role.SYSTEM)


@router.post("", status_code=201, response_model=PaymentOut,
             responses={200: {"description": "The attempt already pending, to complete", "model": PaymentOut}})
async def create_payment(body: StartPayment, who: Principal = Depends(require_roles(Role.BUYER)),
                         api: PaymentApi = Depends(payment_api),
                         idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> JSONResponse:
    """Pay the order at the provider: a new attempt (201) or the one already pending (200).

    Only the order's buyer. Right after placing the order this waits (PAYMENT_WAIT_FOR_PAYABLE_SECONDS,
    5 s) for the order to ask for its payment, then 409 not-payable-yet with Retry-After; 409
    payment-closed after close or deadline, 409 already-paid. A failed attempt may be retried.
    """
    async def attempt() -> StoredResponse:
        async with api.transactions.begin() as tx:
            async def start() -> StoredResponse:
                started = await start_payment(tx, body.order_id, who.sub, api.collaborators)
                return StoredResponse(201 if started.created else 200,
                                      PaymentOut.of(PaymentRecord(started.payment, ())).model_dump(mode="json"))

            answer, _ = await api.idempotency.once(tx.session, SCOPE, who.sub, idempotency_key, body.model_dump(),
                                                   start)
        return answer

    answer = await when_payable(api.payable_notices, body.order_id, api.payable_wait, attempt)
    return JSONResponse(answer.body, status_code=answer.status_code)


@router.get("/{payment_id}", response_model=PaymentOut)
async def get_payment(payment_id: str, who: Principal = Depends(readers),
                      api: PaymentApi = Depends(payment_api)) -> PaymentOut:
    async with api.transactions.read() as tx:
        record = await read_payment(tx, payment_id, reader(who))
    return PaymentOut.of(record)


@router.get("", response_model=PaymentPage)
async def list_payments(order_id: str = Query(min_length=1), limit: int = Query(50, ge=1, le=200),
                        cursor: str | None = None, who: Principal = Depends(readers),
                        api: PaymentApi = Depends(payment_api)) -> PaymentPage:
    """The order's payment attempts, oldest first, each with its refunds."""
    async with api.transactions.read() as tx:
        records = await read_order_payments(tx, order_id, reader(who))
    start = _position_after(records, cursor)
    page = records[start:start + limit]
    more = start + limit < len(records)
    return PaymentPage(items=[PaymentOut.of(r) for r in page],
                       next_cursor=_cursor(page[-1].payment.id) if more and page else None)


def _cursor(payment_id: str) -> str:
    return base64.urlsafe_b64encode(payment_id.encode()).decode()


def _position_after(records: list[PaymentRecord], cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        last = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        last = None
    ids = [r.payment.id for r in records]
    if last not in ids:
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor does not belong to this listing",
                      errors=[{"field": "cursor", "message": "unknown cursor"}])
    return ids.index(last) + 1
