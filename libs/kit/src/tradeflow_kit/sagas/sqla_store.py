"""`SagaStore` on SQLAlchemy Core, inside the caller's open `AsyncSession` transaction.

Rules: the store never commits (the caller's unit of work does); `get(lock=True)` and
`claim_due` hold the saga rows until that transaction ends, so one saga's steps run one at a
time; `claim_due` skips rows another transaction holds (SKIP LOCKED), so every replica may run
the deadline scheduler; the moves a saga collected are written once, when it is added or saved.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import SagaInstance, SagaMove


class SqlaSagaStore:
    def __init__(self, session: AsyncSession, sagas: Table, moves: Table) -> None:
        self.session, self.sagas, self.moves = session, sagas, moves

    async def add(self, saga: SagaInstance) -> None:
        """Store a new saga and its first move (pulled from `saga.moves`)."""
        await self.session.execute(insert(self.sagas).values(id=saga.id, name=saga.name, **_changing(saga)))
        await self._append(saga)

    async def get(self, saga_id: str, *, lock: bool = False) -> SagaInstance | None:
        """`lock` holds the saga row until the transaction ends: its steps run one at a time."""
        query = select(self.sagas).where(self.sagas.c.id == saga_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _instance(row)

    async def save(self, saga: SagaInstance) -> None:
        """Store step, state, deadline, attempts and attention, and append the pulled moves."""
        await self.session.execute(update(self.sagas).where(self.sagas.c.id == saga.id).values(**_changing(saga)))
        await self._append(saga)

    async def claim_due(self, name: str, now: datetime, limit: int) -> list[SagaInstance]:
        """Running sagas of `name` whose deadline has passed, oldest deadline first, locked until
        the transaction ends; rows another transaction holds are skipped (SKIP LOCKED)."""
        s = self.sagas.c
        query = (select(self.sagas)
                 .where(s.name == name, s.state == SagaState.RUNNING.value, s.deadline_at.is_not(None),
                        s.deadline_at <= now)
                 .order_by(s.deadline_at, s.id).limit(limit).with_for_update(skip_locked=True))
        return [_instance(row) for row in (await self.session.execute(query)).mappings()]

    async def find(self, *, name: str | None, state: SagaState | None, step: str | None, limit: int,
                   after: tuple[datetime, str] | None) -> list[SagaInstance]:
        """Newest first (`updated_at`, `id`), after the cursor."""
        s = self.sagas.c
        query = select(self.sagas).order_by(s.updated_at.desc(), s.id.desc()).limit(limit)
        if name is not None:
            query = query.where(s.name == name)
        if state is not None:
            query = query.where(s.state == SagaState(state).value)
        if step is not None:
            query = query.where(s.step == step)
        if after is not None:
            query = query.where(tuple_(s.updated_at, s.id) < tuple_(*after))
        return [_instance(row) for row in (await self.session.execute(query)).mappings()]

    async def history(self, saga_id: str) -> list[SagaMove]:
        """Every move of the saga, oldest first."""
        m = self.moves.c
        rows = await self.session.execute(
            select(m.at, m.from_step, m.to_step, m.cause).where(m.saga_id == saga_id).order_by(m.id))
        return [SagaMove(at, from_step, to_step, cause) for at, from_step, to_step, cause in rows]

    async def _append(self, saga: SagaInstance) -> None:
        moves = saga.pull_moves()
        if moves:  # one multi-row INSERT … VALUES (…), (…)
            await self.session.execute(insert(self.moves).values([
                {"saga_id": saga.id, "at": mv.at, "from_step": mv.from_step, "to_step": mv.to_step,
                 "cause": mv.cause} for mv in moves]))


@dataclass(frozen=True)
class SqlaSagaTransaction:
    """The smallest `SagaTransaction`: an open session and the saga store on it. A service with
    its own unit of work gives it a `sagas` property instead."""

    session: AsyncSession
    sagas: SqlaSagaStore


class SqlaSagaTransactions:
    """`Transactions` for the scheduler, the dead-letter hook and the ops routes of a service
    without its own unit of work: `begin()` opens a transaction, committed when the block ends
    normally and rolled back when it raises."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], sagas: Table, moves: Table) -> None:
        self._sessions, self._sagas, self._moves = sessions, sagas, moves

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlaSagaTransaction]:
        async with self._sessions.begin() as session:
            yield SqlaSagaTransaction(session, SqlaSagaStore(session, self._sagas, self._moves))


def _changing(saga: SagaInstance) -> dict:
    return {"step": saga.step, "state": SagaState(saga.state).value, "started_at": saga.started_at,
            "updated_at": saga.updated_at, "deadline_at": saga.deadline_at, "attempts": saga.attempts,
            "attention": saga.attention}


def _instance(row) -> SagaInstance:
    return SagaInstance(id=row["id"], name=row["name"], step=row["step"], state=SagaState(row["state"]),
                        started_at=row["started_at"], updated_at=row["updated_at"], deadline_at=row["deadline_at"],
                        attempts=row["attempts"], attention=row["attention"])
