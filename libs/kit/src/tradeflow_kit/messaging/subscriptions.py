"""Wiring a MessageProcessor to a FastStream Kafka subscriber with at-least-once commits.

FastStream's default ack policy commits before handling (at-most-once); here a record's offset
is committed only after the processor returns — processed, duplicate, ignored or safely
dead-lettered — in small batches (`OffsetCommitter`). If even the dead-letter topic cannot take
the record, it is not committed: the consumer seeks back (`nack`) and the record is delivered
again after a pause.
"""

import asyncio

import structlog
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy

from tradeflow_kit.messaging.commits import OffsetCommitter
from tradeflow_kit.messaging.processor import MessageProcessor
from tradeflow_kit.messaging.records import ConsumedRecord

log = structlog.get_logger(__name__)


async def _keep_bytes(message: StreamMessage) -> bytes:
    """The processor parses the envelope itself, so a malformed value reaches it (and the DLQ)."""
    return message.body


def subscribe(broker: KafkaBroker, processor: MessageProcessor, topic: str, redeliver_after: float = 1.0,
              concurrency: int = 1) -> None:
    """`concurrency` consumers of the group share the topic's partitions; each handles its own
    partitions one record at a time, so per-key order holds and commits never pass a gap."""
    committer = OffsetCommitter()
    subscriber = broker.subscriber(
        topic, group_id=processor.group, ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest",
        decoder=_keep_bytes, title=f"{processor.group}:{topic}", max_workers=concurrency)

    @subscriber
    async def consume(body: bytes, message: KafkaMessage) -> None:
        record = ConsumedRecord.from_kafka(message.raw_message)
        try:
            await processor.process(record)
        except Exception as exc:  # noqa: BLE001 — not even dead-lettered: keep it, try again
            log.error("message.redelivering", position=record.position, error=f"{type(exc).__name__}: {exc}")
            await message.nack()
            await asyncio.sleep(redeliver_after)
            return
        await committer.processed(message.consumer, record)
