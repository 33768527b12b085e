"""Replay: send dead letters back to their original topic, as they were, and audit it."""

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from tradeflow_cli.audit import AuditEntry, KafkaAuditLog
from tradeflow_cli.dlq_records import DeadLetterRecord
from tradeflow_cli.errors import OpsError
from tradeflow_cli.kafka_snapshot import partitions_of
from tradeflow_contracts.deadletter import ReplayLink


@dataclass(frozen=True)
class ReplayMessage:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def replay_message(record: DeadLetterRecord, at: datetime) -> ReplayMessage:
    """Same key and value (so the same message_id): idempotent consumers see a redelivery, not a new message.

    The `dlq.*` link says which dead letter it came from, the first of its chain and how many
    replays led here; a consumer that fails on it again keeps the link on the new dead letter.
    """
    earlier = record.dead_letter.replay
    link = ReplayLink(replayed_from=str(record.id), root=earlier.root if earlier else str(record.id),
                      count=earlier.count + 1 if earlier else 1, replayed_at=at)
    return ReplayMessage(topic=record.dead_letter.original_topic, key=record.key, value=record.value,
                         headers=[*record.original_headers(), *link.headers()])


@dataclass(frozen=True)
class ReplayRequest:
    records: Sequence[DeadLetterRecord]
    actor: str
    described_filter: dict[str, Any]  # the selection as given, for the audit log


async def replay_dead_letters(bootstrap: str, request: ReplayRequest, audit_log: KafkaAuditLog,
                              on_sent: Callable[[], None] = lambda: None,
                              clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[str]:
    """Sends the records in order and returns the ids sent; what was sent is audited even when some fail.

    The audit entry's `at` is the `dlq.replayed.at` of every record sent, which ties a dead
    letter of a failed replay to the replay it came from; its `sent` says where each record
    went, so `dlq show` can tell whether the failing group has consumed it since.
    """
    await partitions_of(bootstrap, {r.dead_letter.original_topic for r in request.records})
    at = clock()
    sent: dict[str, str] = {}
    failures: list[tuple[str, KafkaError]] = []
    try:
        async with aclosing(_send(bootstrap, request.records, at)) as outcomes:
            async for record, outcome in outcomes:
                if isinstance(outcome, KafkaError):
                    failures.append((str(record.id), outcome))
                else:
                    sent[str(record.id)] = outcome
                on_sent()
    finally:
        if sent:
            await audit_log.append(_audit_entry(request, sent, at))
    if failures:
        record_id, error = failures[0]
        raise OpsError(f"{len(failures)} of {len(request.records)} records were not replayed "
                       f"(first: {record_id}: {error!r}); the {len(sent)} sent are in the audit log")
    return list(sent)


def _audit_entry(request: ReplayRequest, sent: dict[str, str], at: datetime) -> AuditEntry:
    dlq_topics = {r.id.topic for r in request.records}
    return AuditEntry(action="replay", actor=request.actor, at=at, ids=tuple(sent), sent=sent,
                      topic=dlq_topics.pop() if len(dlq_topics) == 1 else None, filter=request.described_filter)


async def _send(bootstrap: str, records: Sequence[DeadLetterRecord], at: datetime
                ) -> AsyncIterator[tuple[DeadLetterRecord, KafkaError | str]]:
    """Each record with where it was written (`topic:partition:offset`), or why it was not."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        deliveries = []
        for record in records:
            message = replay_message(record, at)
            deliveries.append((record, await producer.send(
                message.topic, message.value, key=message.key, headers=message.headers)))
        for record, delivery in deliveries:
            try:
                written = await delivery
            except KafkaError as error:
                yield record, error
            else:
                yield record, f"{written.topic}:{written.partition}:{written.offset}"
    finally:
        await producer.stop()
