"""The unit of work every service's use cases get, on SQLAlchemy: one database transaction with
the service's repositories in it, and `publish`, which writes to the outbox of that same
transaction — a message is published only if the transaction commits.

A service subclasses `SqlaUnitOfWork` to add its repositories (built on `self.session`), and opens
units with `SqlaTransactions(...).begin()` (HTTP requests, jobs, schedulers) or, in a message
handler, `for_message(ctx)` on the transaction the kit opened with the inbox claim.
"""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Generic, Self, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageContext

Publish = Callable[..., Awaitable[object]]


class SqlaUnitOfWork:
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        self.session = session
        self._publish = publish

    async def publish(self, message: Contract, *, key: str) -> None:
        await self._publish(message, key=key)

    @classmethod
    def for_message(cls, ctx: MessageContext) -> Self:
        """In a message handler: follow-ups carry the message's correlation and causation ids."""
        return cls(ctx.session, ctx.publish)

    @classmethod
    def for_request(cls, session: AsyncSession, outbox: Outbox, correlation_id: str | None) -> Self:
        """In an HTTP request or a job: messages carry `correlation_id`, or — None — their key
        (the aggregate, e.g. the order a saga runs for)."""

        async def publish(message: Contract, *, key: str) -> None:
            await outbox.append(session, message, key=key, correlation_id=correlation_id or key)

        return cls(session, publish)


def request_correlation_id() -> str:
    """The HTTP request's correlation id (bound by the kit's middleware), or a new one."""
    return structlog.contextvars.get_contextvars().get("correlation_id") or str(uuid.uuid4())


U = TypeVar("U", bound=SqlaUnitOfWork)


class SqlaTransactions(Generic[U]):
    """`begin()`: a unit of work in a new transaction, committed when the block ends normally,
    rolled back if it raises."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: Outbox, unit: type[U],
                 correlation_id: Callable[[], str | None] = request_correlation_id) -> None:
        self._sessions, self._outbox, self._unit, self._correlation_id = sessions, outbox, unit, correlation_id

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[U]:
        async with self._sessions.begin() as session:
            yield self._unit.for_request(session, self._outbox, self._correlation_id())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[U]:
        """A unit of work for reading only: its transaction is rolled back, never committed (no
        commit to count; a write in it would be lost)."""
        async with self._sessions() as session:
            yield self._unit.for_request(session, self._outbox, self._correlation_id())
