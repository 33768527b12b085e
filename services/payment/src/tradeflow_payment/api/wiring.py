"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import structlog
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_kit.auth import Principal
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.app.read_payments import Reader


@dataclass(frozen=True)
class PaymentApi:
    sessions: async_sessionmaker[AsyncSession]
    transaction: Callable[[AsyncSession, str], PaymentTransaction]  # (session, correlation id)
    collaborators: Collaborators
    idempotency: IdempotencyStore
    webhook_secret: str
    callback_tolerance: timedelta

    def transaction_in(self, session: AsyncSession) -> PaymentTransaction:
        return self.transaction(session, correlation_id())


async def payment_api(request: Request) -> PaymentApi:
    """The routes' dependency: `api: PaymentApi = Depends(payment_api)`."""
    return request.app.state.api


def correlation_id() -> str:
    """The request's correlation id (bound by the kit's middleware), for the messages it causes."""
    return structlog.contextvars.get_contextvars().get("correlation_id") or str(uuid.uuid4())


def reader(principal: Principal) -> Reader:
    """Staff and system read every payment; a buyer (the buyer role's `sub`) their orders' only."""
    return Reader(subject=principal.buyer_id or "", sees_all=principal.sees_all)
