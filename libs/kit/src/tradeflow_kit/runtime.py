"""A service process's long-lived parts, built once in the composition root (never at import)."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tradeflow_contracts.registry import Contract
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.db import create_engine, ping_database, session_factory
from tradeflow_kit.kafka import BrokerConnection, create_broker, create_producer
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.outbox import OUTBOX_CHANNEL, Outbox
from tradeflow_kit.messaging.processor import DeadLetterHook, Handler, MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.relay import OutboxRelay
from tradeflow_kit.messaging.subscriptions import subscribe
from tradeflow_kit.notifications import Listener
from tradeflow_kit.settings import ServiceSettings


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    producer: AIOKafkaProducer
    kafka: BrokerConnection
    tokens: TokenCodec
    outbox: Outbox
    inbox: Table
    relay: OutboxRelay
    listener: Listener  # LISTEN/NOTIFY: the relay's wake from other replicas, waiting requests (tests start it alone)
    domain_errors: tuple[type[BaseException], ...] = ()  # permanent in every handler: dead-lettered at once
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.service_name

    def consume(self, topic: str, handlers: dict[type[Contract], Handler], group: str | None = None,
                on_dead_letter: DeadLetterHook | None = None) -> None:
        """Handle `handlers`' message types from `topic`, at least once, deduplicated by the inbox;
        `on_dead_letter` is told of each record dead-lettered (e.g. `sagas.park_on_dead_letter`)."""
        processor = MessageProcessor(
            group=group or f"tradeflow-{self.name}", handlers=handlers, sessions=self.sessions, inbox=self.inbox,
            outbox=self.outbox, dead_letters=DeadLetterPublisher(self.producer),
            retry=RetryPolicy(self.settings.consumer_max_attempts, self.settings.consumer_backoff_seconds),
            domain_errors=self.domain_errors, on_dead_letter=on_dead_letter)
        subscribe(self.broker, processor, topic, max_records=self.settings.consumer_batch_max_records,
                  wait_ms=self.settings.consumer_batch_wait_ms)

    _background: list[Callable[[asyncio.Event], Awaitable[None]]] = field(default_factory=list)

    def run_in_background(self, job: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        """Run `job(stop)` for the life of the process (schedulers); it must return once stop is set."""
        self._background.append(job)

    async def _listening(self, stop: asyncio.Event) -> None:
        self.listener.start()
        try:
            await stop.wait()
        finally:
            await self.listener.stop()

    async def start(self) -> None:
        self.kafka.start()
        self._tasks.append(asyncio.create_task(self._listening(self._stop), name="pg-listener"))
        self._tasks.append(asyncio.create_task(self._relay_when_connected(), name="outbox-relay"))
        self._tasks.extend(asyncio.create_task(job(self._stop)) for job in self._background)

    async def _relay_when_connected(self) -> None:
        await self.kafka.connected.wait()
        await self.relay.run(self._stop)

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.kafka.stop()
        await self.engine.dispose()

    async def readiness(self) -> dict[str, str]:
        """Each dependency → "ok" or the reason it is not usable (checked concurrently)."""
        timeout = self.settings.ready_timeout_seconds
        db, kafka = await asyncio.gather(self._check_database(timeout), self.kafka.ping(timeout))
        return {"database": db or "ok", "kafka": kafka or "ok"}

    async def _check_database(self, timeout: float) -> str | None:
        try:
            async with asyncio.timeout(timeout):
                await ping_database(self.engine)
        except TimeoutError:
            return f"database: no answer within {timeout}s"
        except Exception as exc:  # noqa: BLE001 — any failure is the reason we report
            return f"database: {type(exc).__name__}: {exc}"
        return None


def build_runtime(settings: ServiceSettings, outbox_table: Table, inbox_table: Table, *,
                  domain_errors: tuple[type[BaseException], ...]) -> ServiceRuntime:
    """The process's parts. `domain_errors` (required, so no service forgets it): the service's
    root domain error classes, permanent in every message handler (a refused rule is dead-lettered
    at once with its reason); `()` only for a process without a domain."""
    engine = create_engine(settings.database_url)
    client_id = f"tradeflow-{settings.service_name}"
    broker = create_broker(settings.kafka_bootstrap_servers, client_id=client_id)
    producer = create_producer(settings.kafka_bootstrap_servers, client_id=client_id)
    committed, leading = asyncio.Event(), asyncio.Event()
    listener = Listener(settings.database_url, (OUTBOX_CHANNEL,))
    return ServiceRuntime(
        settings=settings, engine=engine, sessions=session_factory(engine), broker=broker, producer=producer,
        kafka=BrokerConnection(broker, producer),
        tokens=TokenCodec(settings.jwt_secret.get_secret_value(), settings.jwt_issuer),
        outbox=Outbox(outbox_table, producer=settings.service_name, committed=committed, relay_leading=leading),
        inbox=inbox_table,
        relay=OutboxRelay(engine, outbox_table, producer, name=settings.service_name, committed=committed,
                          leading=leading, listener=listener),
        listener=listener,
        domain_errors=domain_errors,
    )
