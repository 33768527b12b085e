"""Wiring a MessageProcessor to a FastStream Kafka batch subscriber with at-least-once commits.

The subscriber takes what the consumer has ready — up to `max_records` — and the processor
handles the batch in one database transaction (`MessageProcessor.process_batch`). When nothing is
ready it waits in Kafka's fetch (aiokafka's `getmany`) for up to `wait_ms`, which returns as soon
as a record arrives: at low load a batch is one record and nothing waits for company, under load
batches grow by themselves and commits per record fall, and an idle consumer costs little CPU.
(FastStream's own batch poll, after an empty wait, sleeps as long again before the next one: at
10 ms, 50 polls a second — three idle subscriptions cost 33 ms of CPU a second, 8 ms waiting in
the fetch — and a record arriving during the sleep waited for its end.)

FastStream's default ack policy commits before handling (at-most-once); here the offsets of a
batch are committed only after the processor returns — every record processed, duplicate,
ignored or safely dead-lettered — in small batches (`OffsetCommitter`). If even the dead-letter
topic cannot take a record, nothing of the batch is committed: the consumer seeks every
partition of the batch back (`nack`) and the batch is delivered again after a pause (the inbox
drops what had committed).
"""

import asyncio
from itertools import chain

import structlog
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy

from tradeflow_kit.messaging.commits import OffsetCommitter
from tradeflow_kit.messaging.processor import MessageProcessor
from tradeflow_kit.messaging.records import ConsumedRecord

log = structlog.get_logger(__name__)


async def _the_message(message: StreamMessage) -> StreamMessage:
    """The handler's body is the batch's message itself (its records, its consumer, `nack`), left
    undecoded: the processor parses each envelope itself, so a malformed value reaches it (and the
    DLQ). Asked for as an injected `message: KafkaMessage`, FastStream resolved it in a worker
    thread: a thread hop for every batch."""
    return message


def subscribe(broker: KafkaBroker, processor: MessageProcessor, topic: str, *, max_records: int = 100,
              wait_ms: int = 500, redeliver_after: float = 1.0) -> None:
    """One consumer of the group for `topic` (replicas of the service share its partitions); it
    handles a batch at a time, in order, so per-key order holds and commits never pass a gap."""
    committer = OffsetCommitter()
    subscriber = broker.subscriber(
        topic, group_id=processor.group, ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest",
        batch=True, max_records=max_records, batch_timeout_ms=wait_ms, decoder=_the_message,
        title=f"{processor.group}:{topic}")
    subscriber.get_msg = _waiting_in_fetch(max_records, wait_ms)  # instead of FastStream's poll-and-sleep

    @subscriber
    async def consume(message) -> None:  # unannotated: nothing for FastStream to validate or to inject
        records = [ConsumedRecord.from_kafka(raw) for raw in message.raw_message]
        try:
            await processor.process_batch(records)
        except Exception as exc:  # noqa: BLE001 — not even dead-lettered: keep them, try again
            log.error("message.redelivering", records=len(records), first=records[0].position,
                      error=f"{type(exc).__name__}: {exc}")
            await message.nack()
            await asyncio.sleep(redeliver_after)
            return
        await committer.processed(message.consumer, records)


def _waiting_in_fetch(max_records: int, wait_ms: int):
    """The subscriber's poll: what the consumer has ready, else the first records to arrive within
    `wait_ms` (an empty batch when none did: the subscriber polls again at once)."""
    async def get_msg(consumer) -> tuple:
        ready = await consumer.getmany(timeout_ms=wait_ms, max_records=max_records)
        return tuple(chain.from_iterable(ready.values()))

    return get_msg
