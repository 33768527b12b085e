"""Event-carried state a service keeps of another's facts (an order's facts, the price book's
SKUs): one row per key holding the newest version told — a message with an older or equal version
(redelivered, or overtaken) changes nothing."""

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


async def keep_newest(session: AsyncSession, table: Table, key: str, values: dict[str, Any]) -> bool:
    """Insert the row, or replace it only if `values["version"]` is newer; True when kept."""
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[key]], set_={k: statement.excluded[k] for k in values if k != key},
        where=table.c.version < statement.excluded.version).returning(table.c[key])
    return (await session.execute(statement)).first() is not None
