"""Transactional outbox: messages are written in the same transaction as the state change that
causes them, and published later by the relay. No dual writes."""

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import Table, event, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from tradeflow_contracts.envelope import Envelope, new_envelope
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_kit.messaging.trace import child_traceparent, current_traceparent
from tradeflow_kit.notifications import notify

OUTBOX_CHANNEL = "tradeflow_outbox"  # NOTIFY'd with the service name by a replica whose relay does not lead


@dataclass(frozen=True)
class Outbox:
    table: Table
    producer: str
    committed: asyncio.Event | None = field(default=None, compare=False)
    """Set when a transaction that appended messages commits: the relay's cue to publish now."""
    relay_leading: asyncio.Event | None = field(default=None, compare=False)
    """This process's relay leads. When it does not (another replica's does), a transaction that
    appends also NOTIFYs OUTBOX_CHANNEL, once, so the leading relay wakes when it commits."""

    def envelope(self, message: Contract, *, correlation_id: str, causation_id: str | None = None) -> Envelope:
        return new_envelope(message.TYPE, message.VERSION, payload_of(message), producer=self.producer,
                            correlation_id=correlation_id, causation_id=causation_id)

    def row(self, envelope: Envelope, *, key: str, topic: str) -> dict:
        headers = envelope.headers(child_traceparent(current_traceparent.get()))
        return {"message_id": envelope.message_id, "topic": topic, "key": key, "type": envelope.type,
                "value": envelope.to_bytes(), "headers": [[k, v.decode()] for k, v in headers]}

    async def append(self, db: AsyncSession | AsyncConnection, message: Contract, *, key: str, correlation_id: str,
                     causation_id: str | None = None, topic: str | None = None) -> Envelope:
        """Add a message to the caller's open transaction; it is published only if that commits."""
        envelope = self.envelope(message, correlation_id=correlation_id, causation_id=causation_id)
        await db.execute(insert(self.table), [self.row(envelope, key=key, topic=topic or message.TOPIC)])
        if isinstance(db, AsyncSession):
            info = db.sync_session.info
            if self.committed is not None:
                info.setdefault(_AFTER_COMMIT, set()).add(self.committed.set)
            if self.relay_leading is not None and not self.relay_leading.is_set() and _NOTIFIED not in info:
                info[_NOTIFIED] = True
                await notify(db, OUTBOX_CHANNEL, self.producer)
        return envelope


_AFTER_COMMIT, _NOTIFIED = "tradeflow.after_commit", "tradeflow.outbox_notified"


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NOTIFIED, None)
    for hook in session.info.pop(_AFTER_COMMIT, ()):
        hook()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_NOTIFIED, None)
