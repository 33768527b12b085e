"""The sync-back outbox (`sync_calls`) on SQLAlchemy Core."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_channel_adapter.adapters.news_json import dump_update, load_update
from tradeflow_channel_adapter.adapters.tables import sync_calls
from tradeflow_channel_adapter.app.ports import SyncCall

ACKED, FAILING = "acked", "failing"


class SqlaSyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, call: SyncCall) -> bool:
        statement = insert(sync_calls).values(
            id=call.id, channel=call.channel, channel_order_id=call.channel_order_id, call_key=call.key,
            update=dump_update(call.update), status=call.status, next_attempt_at=call.next_attempt_at,
            created_at=call.next_attempt_at).on_conflict_do_nothing(index_elements=[sync_calls.c.call_key])
        return (await self.session.execute(statement.returning(sync_calls.c.id))).first() is not None

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[SyncCall]:
        earlier = sync_calls.alias("earlier")
        query = (select(sync_calls).where(
            sync_calls.c.status != ACKED, sync_calls.c.next_attempt_at <= now,
            ~exists().where(and_(earlier.c.channel_order_id == sync_calls.c.channel_order_id,
                                 earlier.c.status != ACKED, earlier.c.seq < sync_calls.c.seq)))
                 .order_by(sync_calls.c.seq).limit(limit).with_for_update(skip_locked=True))
        rows = list((await self.session.execute(query)).mappings())
        if rows:
            await self.session.execute(update(sync_calls).where(sync_calls.c.id.in_([r["id"] for r in rows]))
                                       .values(next_attempt_at=now + lease))
        return [_call(row) for row in rows]

    async def acked(self, call_id: str, now: datetime) -> None:
        await self.session.execute(update(sync_calls).where(sync_calls.c.id == call_id).values(
            status=ACKED, acked_at=now, attempts=sync_calls.c.attempts + 1, last_error=None))

    async def failed(self, call_id: str, error: str, retry_at: datetime) -> None:
        await self.session.execute(update(sync_calls).where(sync_calls.c.id == call_id).values(
            status=FAILING, attempts=sync_calls.c.attempts + 1, last_error=error[:2000], next_attempt_at=retry_at))

    async def find(self, channel: str | None, failing: bool, limit: int) -> list[SyncCall]:
        query = select(sync_calls)
        if channel is not None:
            query = query.where(sync_calls.c.channel == channel)
        if failing:
            query = query.where(sync_calls.c.status == FAILING)
        rows = (await self.session.execute(query.order_by(sync_calls.c.seq.desc()).limit(limit))).mappings()
        return [_call(row) for row in rows]


def _call(row: Mapping[str, Any]) -> SyncCall:
    return SyncCall(row["id"], row["channel"], row["channel_order_id"], row["call_key"], load_update(row["update"]),
                    row["attempts"], row["status"], row["last_error"], row["next_attempt_at"], row["acked_at"])
