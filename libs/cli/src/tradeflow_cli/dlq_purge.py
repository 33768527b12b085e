"""Purge: Kafka deletes only a partition's oldest records, so a purge cuts each partition at an offset."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from tradeflow_cli.audit import AuditEntry, KafkaAuditLog
from tradeflow_cli.dlq_records import DeadLetterSnapshot
from tradeflow_cli.record_id import RecordId
from tradeflow_cli.time_parsing import rfc3339


@dataclass(frozen=True)
class PurgePlan:
    topic: str
    before: datetime | None
    cutoffs: dict[int, int]  # partition → every record before this offset goes
    doomed: list[RecordId]

    @property
    def is_empty(self) -> bool:
        return not self.doomed


def plan_purge(topic: str, failures: Iterable[tuple[RecordId, datetime]], end_offsets: dict[int, int],
               before: datetime | None) -> PurgePlan:
    """Each partition is cut at its first record that failed at or after `before` (all of it without `before`).

    Older records behind that first one stay: Kafka cannot delete around a record it keeps.
    """
    by_partition: dict[int, list[tuple[RecordId, datetime]]] = defaultdict(list)
    for record_id, failed_at in sorted(failures):
        by_partition[record_id.partition].append((record_id, failed_at))
    cutoffs = {}
    for partition, records in by_partition.items():
        kept = (record_id.offset for record_id, failed_at in records if before is not None and failed_at >= before)
        cutoff = next(kept, end_offsets[partition])
        if cutoff > records[0][0].offset:
            cutoffs[partition] = cutoff
    doomed = [record_id for records in by_partition.values() for record_id, _ in records
              if record_id.offset < cutoffs.get(record_id.partition, 0)]
    return PurgePlan(topic, before, cutoffs, doomed)


def plan_from_snapshot(topic: str, snapshot: DeadLetterSnapshot, before: datetime | None) -> PurgePlan:
    """Records without dlq headers count by the time they were written to the dead-letter topic."""
    failures = [(r.id, r.dead_letter.last_failure) for r in snapshot.records]
    failures += [(r.id, r.written_at) for r in snapshot.unreadable]
    end_offsets = {tp.partition: end for tp, end in snapshot.end_offsets.items() if tp.topic == topic}
    return plan_purge(topic, failures, end_offsets, before)


async def purge_dead_letters(bootstrap: str, plan: PurgePlan, actor: str, audit_log: KafkaAuditLog,
                             clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_records({TopicPartition(plan.topic, partition): RecordsToDelete(offset)
                                    for partition, offset in plan.cutoffs.items()})
    finally:
        await admin.close()
    await audit_log.append(AuditEntry(
        action="purge", actor=actor, at=clock(), ids=tuple(str(i) for i in plan.doomed), topic=plan.topic,
        filter={"before": rfc3339(plan.before)} if plan.before else {}))
