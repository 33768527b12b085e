"""Idempotent consumer: "message X processed by consumer Y" commits with the handler's effects."""

import uuid

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


async def claim(session: AsyncSession, inbox: Table, consumer: str, message_id: uuid.UUID, type_: str) -> bool:
    """Record the message as processed by `consumer` in the open transaction.

    False when it already was: the caller must then do nothing. A concurrent claim of the same
    message waits on the first one's row lock and sees the conflict once that commits.
    """
    statement = (insert(inbox).values(consumer=consumer, message_id=message_id, type=type_)
                 .on_conflict_do_nothing().returning(inbox.c.message_id))
    return (await session.execute(statement)).first() is not None
