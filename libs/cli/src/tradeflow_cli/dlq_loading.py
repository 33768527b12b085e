"""What the dlq commands read before acting: dead letters together with the audit log."""

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition

from tradeflow_cli.audit import AuditEntry, KafkaAuditLog
from tradeflow_cli.dlq_chain import ChainNode, awaited, replay_chain
from tradeflow_cli.dlq_records import (
    DeadLetterRecord,
    DeadLetterSnapshot,
    load_dead_letter,
    load_dead_letters,
    load_dead_letters_by_id,
)
from tradeflow_cli.kafka_snapshot import committed_offsets
from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.topics import dlq_topic


async def snapshot_with_audit(bootstrap: str, audit_topic: str,
                              dlq_topics: Sequence[str]) -> tuple[DeadLetterSnapshot, list[AuditEntry]]:
    snapshot = await load_dead_letters(bootstrap, dlq_topics)
    return snapshot, await KafkaAuditLog(bootstrap, audit_topic).read()


async def candidates_with_audit(bootstrap: str, audit_topic: str, record_ids: Sequence[RecordId],
                                dlq_topics: Sequence[str]) -> tuple[DeadLetterSnapshot, list[AuditEntry]]:
    """The given records when there are ids, else every record of the dead-letter topics."""
    if not record_ids:
        return await snapshot_with_audit(bootstrap, audit_topic, dlq_topics)
    records = await load_dead_letters_by_id(bootstrap, record_ids)
    return DeadLetterSnapshot(records, [], {}), await KafkaAuditLog(bootstrap, audit_topic).read()


@dataclass(frozen=True)
class LoadedChain:
    record: DeadLetterRecord
    chain: ChainNode
    committed: dict[tuple[str, TopicPartition], int]  # of the groups whose replays have no dead letter


async def chain_of(bootstrap: str, audit_topic: str, record_id: RecordId) -> LoadedChain:
    """The record with its chain of replays, and whether the groups consumed the replays not dead again."""
    record = await load_dead_letter(bootstrap, record_id)
    topics, audit = sorted(_chain_topics(record)), await KafkaAuditLog(bootstrap, audit_topic).read()
    chain = replay_chain(record, (await load_dead_letters(bootstrap, topics, missing_ok=True)).records, audit)
    committed = await committed_offsets(bootstrap, [(a.group, a.partition) for a in awaited(chain)])
    if any(a.consumed(committed) for a in awaited(chain)):
        # A consumer writes the dead letter before it commits the offset: read again, so that
        # one written since the first read is seen rather than the replay taken for a success.
        chain = replay_chain(record, (await load_dead_letters(bootstrap, topics, missing_ok=True)).records, audit)
    return LoadedChain(record, chain, committed)


def _chain_topics(record: DeadLetterRecord) -> set[str]:
    """Replays fail again onto the original topic's twin; the chain's first dead letter may be elsewhere."""
    topics = {record.id.topic, dlq_topic(record.dead_letter.original_topic)}
    if replay := record.dead_letter.replay:
        for linked in (replay.root, replay.replayed_from):
            try:
                topics.add(RecordId.parse(linked).topic)
            except ValueError:
                continue
    return topics
