"""An OrderTransaction on one SQLAlchemy session: the repositories plus outbox publishing."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageContext
from tradeflow_kit.sagas.sqla_store import SqlaSagaStore
from tradeflow_order.adapters.sqla_orders import SqlaOrderRepository
from tradeflow_order.adapters.tables import saga_moves, sagas

Publish = Callable[..., Awaitable[object]]


class SqlaOrderTransaction:
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        self.session = session
        self.orders = SqlaOrderRepository(session)
        self.sagas = SqlaSagaStore(session, sagas, saga_moves)
        self._publish = publish

    async def publish(self, message: Contract, *, key: str) -> None:
        await self._publish(message, key=key)

    @classmethod
    def for_message(cls, ctx: MessageContext) -> "SqlaOrderTransaction":
        """In a message handler: follow-ups carry the message's correlation and causation ids."""
        return cls(ctx.session, ctx.publish)

    @classmethod
    def for_request(cls, session: AsyncSession, outbox: Outbox) -> "SqlaOrderTransaction":
        """In an HTTP request or a scheduler: messages are correlated with the order they are
        keyed by (the order saga's id)."""

        async def publish(message: Contract, *, key: str) -> None:
            await outbox.append(session, message, key=key, correlation_id=key)

        return cls(session, publish)


def sqla_transactions(sessions: async_sessionmaker[AsyncSession], outbox: Outbox):
    """`Transactions`: a new transaction per call, committed when the block ends normally."""

    @asynccontextmanager
    async def begin() -> AsyncIterator[SqlaOrderTransaction]:
        async with sessions.begin() as session:
            yield SqlaOrderTransaction.for_request(session, outbox)

    return begin
