"""A PaymentTransaction on one SQLAlchemy session: repositories plus outbox publishing."""

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

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
