"""`Idempotency-Key` for HTTP commands: the same key and body return the original response, the
same key with another body is a 409. The key is claimed in the request's own transaction, so a
request that fails leaves no claim behind and a concurrent duplicate waits for the first.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.problems import Problem
from tradeflow_kit.schema_steps import create_tables, drop_tables


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys", metadata,
        Column("scope", Text, primary_key=True),
        Column("principal", Text, primary_key=True),
        Column("key", Text, primary_key=True),
        Column("request_hash", Text, nullable=False),
        Column("status_code", Integer),
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def create_idempotency_table_v1(bind) -> None:
    """Migration step: create version 1 of the idempotency table."""
    create_tables(bind, idempotency_table)


def drop_idempotency_table_v1(bind) -> None:
    drop_tables(bind, idempotency_table)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _missing_key(scope: str) -> Problem:
    return Problem(400, "idempotency-key-required", "Idempotency-Key required",
                   detail=f"{scope} needs an Idempotency-Key header (any unique string up to 200 characters)",
                   errors=[{"field": "Idempotency-Key", "message": "header is required"}])


@dataclass(frozen=True)
class IdempotencyStore:
    table: Table

    async def claim(self, session: AsyncSession, scope: str, principal: str, key: str | None,
                    body: Any) -> StoredResponse | None:
        """None: go ahead (the key is now ours). A response: the original one, to return as is."""
        if not key or len(key) > 200:
            raise _missing_key(scope)
        digest = request_hash(body)
        t = self.table
        claimed = await session.execute(
            insert(t).values(scope=scope, principal=principal, key=key, request_hash=digest)
            .on_conflict_do_nothing().returning(t.c.key))
        if claimed.first() is not None:
            return None
        row = (await session.execute(select(t.c.request_hash, t.c.status_code, t.c.response).where(
            t.c.scope == scope, t.c.principal == principal, t.c.key == key))).one()
        if row.request_hash != digest:
            raise Problem(409, "idempotency-key-reused", "Idempotency-Key reused",
                          detail="this Idempotency-Key was used with a different request body")
        return StoredResponse(row.status_code, row.response)

    async def remember(self, session: AsyncSession, scope: str, principal: str, key: str, status_code: int,
                       body: Any) -> None:
        t = self.table
        await session.execute(update(t).where(t.c.scope == scope, t.c.principal == principal, t.c.key == key)
                              .values(status_code=status_code, response=body))

    async def once(self, session: AsyncSession, scope: str, principal: str, key: str | None, body: Any,
                   command: Callable[[], Awaitable[StoredResponse]], *,
                   required: bool = False) -> tuple[StoredResponse, bool]:
        """Run `command` in the session's transaction at most once per key: (its response, False),
        or (the original response, True) for a repeat. Without a key the command just runs,
        unless `required` (then 400 idempotency-key-required)."""
        if key is not None or required:
            stored = await self.claim(session, scope, principal, key, body)
            if stored is not None:
                return stored, True
        answer = await command()
        if key is not None:
            await self.remember(session, scope, principal, key, answer.status_code, answer.body)
        return answer, False
