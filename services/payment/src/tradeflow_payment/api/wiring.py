"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request

from tradeflow_kit.auth import Principal
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.unit_of_work import SqlaTransactions, SqlaUnitOfWork
from tradeflow_payment.app.ports import Collaborators, PayableNotices
from tradeflow_payment.app.read_payments import Reader
from tradeflow_payment.app.start_payment import PayableWait


@dataclass(frozen=True)
class PaymentApi:
    transactions: SqlaTransactions[SqlaUnitOfWork]  # PaymentTransactions; `tx.session` holds Idempotency-Keys
    collaborators: Collaborators
    idempotency: IdempotencyStore
    webhook_secret: str
    callback_tolerance: timedelta
    payable_notices: PayableNotices  # POST /payments waits on them for a just-placed order
    payable_wait: PayableWait


async def payment_api(request: Request) -> PaymentApi:
    """The routes' dependency: `api: PaymentApi = Depends(payment_api)`."""
    return request.app.state.api


def reader(principal: Principal) -> Reader:
    """Staff and system read every payment; a buyer (the buyer role's `sub`) their orders' only."""
    return Reader(subject=principal.buyer_id or "", sees_all=principal.sees_all)
