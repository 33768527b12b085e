"""Committing consumed offsets in small batches instead of one commit per record.

Only offsets of records already processed are committed — explicitly, never the consumer's
position, which may already be past a record still in flight. A record processed but not yet
committed when the process dies is delivered again, and the inbox drops it.
"""

import asyncio

import structlog
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from tradeflow_kit.messaging.records import ConsumedRecord

log = structlog.get_logger(__name__)


class OffsetCommitter:
    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self._pending: dict[object, dict[TopicPartition, int]] = {}
        self._last: dict[object, float] = {}
        self._timers: dict[object, asyncio.TimerHandle] = {}

    async def processed(self, consumer, records: list[ConsumedRecord]) -> None:
        """Record that `records` (in consumption order) are done; commit now if the last commit
        is `interval` old, else soon."""
        pending = self._pending.setdefault(consumer, {})
        for record in records:
            pending[TopicPartition(record.topic, record.partition)] = record.offset + 1
        loop = asyncio.get_running_loop()
        since = loop.time() - self._last.get(consumer, 0.0)
        if since >= self.interval:
            await self.flush(consumer)
        elif consumer not in self._timers:
            self._timers[consumer] = loop.call_later(
                self.interval - since, lambda: asyncio.ensure_future(self.flush(consumer)))

    async def flush(self, consumer) -> None:
        if (timer := self._timers.pop(consumer, None)) is not None:
            timer.cancel()
        offsets = self._pending.pop(consumer, None)
        if not offsets:
            return
        self._last[consumer] = asyncio.get_running_loop().time()
        try:
            await consumer.commit(offsets)
        except (KafkaError, AssertionError) as exc:  # e.g. partitions revoked: the new owner redelivers
            log.warning("kafka.commit_failed", error=f"{type(exc).__name__}: {exc}")
