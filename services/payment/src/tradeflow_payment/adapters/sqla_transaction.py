"""A PaymentTransaction on one SQLAlchemy session: repositories plus outbox publishing; and
Transactions that open one per background job round (or HTTP request)."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageContext
from tradeflow_payment.adapters.sqla_callbacks import SqlaProviderCallbackLog
from tradeflow_payment.adapters.sqla_payables import SqlaPayableRepository

Publish = Callable[..., Awaitable[object]]


class SqlaPaymentTransaction:
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        self.payables = SqlaPayableRepository(session)
        self.callbacks = SqlaProviderCallbackLog(session)
        self._publish = publish

    async def publish(self, message: Contract, *, key: str) -> None:
        await self._publish(message, key=key)

    @classmethod
    def for_message(cls, ctx: MessageContext) -> "SqlaPaymentTransaction":
        """In a message handler: follow-ups carry the message's correlation and causation ids."""
        return cls(ctx.session, ctx.publish)

    @classmethod
    def for_request(cls, session: AsyncSession, outbox: Outbox, correlation_id: str) -> "SqlaPaymentTransaction":
        """In an HTTP request: messages carry the request's correlation id."""

        async def publish(message: Contract, *, key: str) -> None:
            await outbox.append(session, message, key=key, correlation_id=correlation_id)

        return cls(session, publish)


def request_correlation_id() -> str:
    """The HTTP request's correlation id (bound by the kit's middleware), or a new one."""
    return structlog.contextvars.get_contextvars().get("correlation_id") or str(uuid.uuid4())


class SqlaTransactions:
    """`begin()`: a session in a new transaction, committed when the block ends normally."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: Outbox,
                 correlation_id: Callable[[], str] = request_correlation_id) -> None:
        self._sessions, self._outbox, self._correlation_id = sessions, outbox, correlation_id

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlaPaymentTransaction]:
        async with self._sessions.begin() as session:
            yield SqlaPaymentTransaction.for_request(session, self._outbox, self._correlation_id())
