"""The outbox relay: publishes committed outbox rows to Kafka, in order, in batches.

One relay per service database leads at a time (a PostgreSQL advisory lock held by its
connection); the others stand by. If the leader dies its connection closes, the lock is
released and a standby takes over — including the batch the dead leader had read but not
marked published, which is then published again (consumers drop the duplicate by message id).
Rows are read in id order and a batch is fully acknowledged before the next is sent, so
messages with one key keep their order. The leader publishes as soon as a transaction that
appended commits: in its own process an event says so; a replica whose relay stands by NOTIFYs
`tradeflow_outbox` in that transaction, which the leader's listener turns into the same wake.
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tradeflow_kit.messaging import metrics
from tradeflow_kit.messaging.outbox import OUTBOX_CHANNEL
from tradeflow_kit.notifications import Listener
from tradeflow_kit.wake import any_set, set_or_timeout

log = structlog.get_logger(__name__)
RELAY_LOCK_KEY = 0x7F0B_0C5E  # one advisory lock per database: "the outbox relay"


@dataclass
class RelaySettings:
    batch_size: int = 500
    idle_wait: float = 1.0  # between polls when idle; a commit that appended messages wakes it at once
    max_backoff: float = 5.0
    retention: timedelta = timedelta(hours=24)
    housekeeping_every: float = 30.0


class OutboxRelay:
    def __init__(self, engine: AsyncEngine, table: Table, producer: AIOKafkaProducer, name: str,
                 settings: RelaySettings | None = None, committed: asyncio.Event | None = None,
                 leading: asyncio.Event | None = None, listener: Listener | None = None) -> None:
        self.engine, self.table, self.producer, self.name = engine, table, producer, name
        self.settings = settings or RelaySettings()
        self.leading = leading or asyncio.Event()
        self.committed = committed or asyncio.Event()
        self.listener = listener  # on OUTBOX_CHANNEL: other replicas' commits wake the leader too

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; every failure is logged and retried with backoff."""
        delay = 0.1
        while not stop.is_set():
            try:
                async with self.engine.connect() as conn:
                    try:
                        if await self._acquire_leadership(conn, stop):
                            await self._pump(conn, stop)
                    finally:
                        # The lock belongs to the session: never hand it back to the pool.
                        self.leading.clear()
                        await conn.invalidate()
                return
            except Exception as exc:  # noqa: BLE001 — the relay must outlive any failure
                self.leading.clear()
                metrics.RELAY_ERRORS.labels(self.name).inc()
                log.warning("outbox.relay_failed", error=f"{type(exc).__name__}: {exc}", retry_in=delay)
                await set_or_timeout(stop, delay)
                delay = min(delay * 2, self.settings.max_backoff)

    async def _acquire_leadership(self, conn: AsyncConnection, stop: asyncio.Event) -> bool:
        while not stop.is_set():
            got = (await conn.execute(select(func.pg_try_advisory_lock(RELAY_LOCK_KEY)))).scalar_one()
            await conn.commit()
            if got:
                self.leading.set()
                log.info("outbox.relay_leading")
                return True
            await set_or_timeout(stop, 1.0)
        return False

    async def _pump(self, conn: AsyncConnection, stop: asyncio.Event) -> None:
        if self.listener is None:
            return await self._pump_rows(conn, stop)
        async with self.listener.watch(OUTBOX_CHANNEL, self.name, wake=self.committed):
            return await self._pump_rows(conn, stop)

    async def _pump_rows(self, conn: AsyncConnection, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        next_housekeeping = loop.time()
        while not stop.is_set():
            if loop.time() >= next_housekeeping:
                await self.housekeeping(conn)
                next_housekeeping = loop.time() + self.settings.housekeeping_every
            self.committed.clear()  # before reading: a commit during the read wakes the next wait
            if await self.publish_batch(conn) < self.settings.batch_size:
                await any_set(stop, self.committed, timeout=self.settings.idle_wait)

    async def publish_batch(self, conn: AsyncConnection) -> int:
        """Publish the oldest unpublished rows; returns how many were published. One transaction
        per batch (read, publish, mark, commit); a poll that finds nothing commits nothing."""
        t = self.table
        rows = (await conn.execute(
            select(t.c.id, t.c.topic, t.c.key, t.c.value, t.c.headers)
            .where(t.c.published_at.is_(None)).order_by(t.c.id).limit(self.settings.batch_size))).all()
        if not rows:
            await conn.rollback()
            return 0
        sends = [await self.producer.send(r.topic, value=r.value, key=r.key.encode(),
                                          headers=[(k, v.encode()) for k, v in r.headers]) for r in rows]
        await asyncio.gather(*sends)
        await conn.execute(update(t).where(t.c.id.in_([r.id for r in rows])).values(published_at=func.now()))
        await conn.commit()
        metrics.PUBLISHED.labels(self.name).inc(len(rows))
        return len(rows)

    async def housekeeping(self, conn: AsyncConnection) -> None:
        """Drop published rows past retention; refresh the pending/lag gauges."""
        t = self.table
        await conn.execute(delete(t).where(t.c.published_at < func.now() - self.settings.retention))
        pending, lag = (await conn.execute(select(
            func.count(), func.coalesce(func.extract("epoch", func.now() - func.min(t.c.created_at)), 0))
            .where(t.c.published_at.is_(None)))).one()
        await conn.commit()
        metrics.OUTBOX_PENDING.labels(self.name).set(pending)
        metrics.OUTBOX_LAG.labels(self.name).set(float(lag))
