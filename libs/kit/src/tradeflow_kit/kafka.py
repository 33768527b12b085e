"""The service's Kafka broker (FastStream on aiokafka) and its connection lifecycle.

The broker connects in the background: a service whose Kafka is down still starts, answers
`/health`, and reports the reason on `/ready` until the broker is reachable.
"""

import asyncio

import structlog
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

log = structlog.get_logger(__name__)


def create_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    """An idempotent-producing broker (acks=all, no duplicates on producer retries)."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        logger=structlog.get_logger("faststream"),
    )


def create_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """The raw idempotent producer the outbox relay and the dead-letter publisher share: they
    send pre-encoded records with their own headers, which FastStream's publisher would rewrite."""
    return AIOKafkaProducer(bootstrap_servers=bootstrap_servers, client_id=f"{client_id}-relay",
                            enable_idempotence=True, linger_ms=5, max_batch_size=256 * 1024)


class BrokerConnection:
    """Starts the broker and the producer, retrying with capped backoff until both connect."""

    def __init__(self, broker: KafkaBroker, producer: AIOKafkaProducer, max_backoff: float = 5.0) -> None:
        self.broker, self.producer = broker, producer
        self.connected = asyncio.Event()
        self.last_error: str | None = "not connected yet"
        self._max_backoff = max_backoff
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect(), name="kafka-connect")

    async def _connect(self) -> None:
        delay = 0.2
        while True:
            try:
                await self.producer.start()
                await self.broker.start()
            except Exception as exc:  # noqa: BLE001 — any failure to connect is retried
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("kafka.connect_failed", error=self.last_error, retry_in=delay)
                await self._safe_stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_backoff)
            else:
                self.last_error = None
                self.connected.set()
                log.info("kafka.connected")
                return

    async def ping(self, timeout: float) -> str | None:
        """None when Kafka answers, else the reason it does not."""
        if not self.connected.is_set():
            return f"kafka: {self.last_error}"
        if not await self.broker.ping(timeout=timeout):
            return f"kafka: no answer from the cluster within {timeout}s"
        return None

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._safe_stop()

    async def _safe_stop(self) -> None:
        for client in (self.broker, self.producer):
            try:
                await client.stop()
            except Exception as exc:  # noqa: BLE001 — stopping a half-started client may fail
                log.debug("kafka.stop_failed", error=str(exc))
