"""What the dlq commands read before acting: dead letters together with the audit log."""

from collections.abc import Sequence

from tradeflow_cli.audit import AuditEntry, KafkaAuditLog
from tradeflow_cli.dlq_records import (
    DeadLetterRecord,
    DeadLetterSnapshot,
    load_dead_letter,
    load_dead_letters,
    load_dead_letters_by_id,
)
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


async def chain_with_audit(bootstrap: str, audit_topic: str, record_id: RecordId
                           ) -> tuple[DeadLetterRecord, list[DeadLetterRecord], list[AuditEntry]]:
    """The record, the dead letters its chain of replays may hold, and the audit log."""
    record = await load_dead_letter(bootstrap, record_id)
    snapshot = await load_dead_letters(bootstrap, sorted(_chain_topics(record)), missing_ok=True)
    return record, snapshot.records, await KafkaAuditLog(bootstrap, audit_topic).read()


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
