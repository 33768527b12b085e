"""A dead letter's chain of replays, both ways: back to the first failure, on to each replay's fate.

A replay that fails again becomes a new dead letter carrying `dlq.replayed.from` (its parent)
and `dlq.replayed.at` (the `at` of the audit entry that sent it). So every audited replay of a
dead letter is matched to the dead letter it became, if any: "dead again". A replay without
such a dead letter was consumed without failing, or is not consumed yet; the audit entry says
where each record went, so it is `Awaiting` the group that failed on it until that group's
committed offset passes the record. Dead
letters whose replay is not in the audit log (another audit topic, an older CLI) still
appear, as replays of unknown time.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from tradeflow_cli.audit import AuditEntry, replay_history
from tradeflow_cli.dlq_records import DeadLetterRecord


@dataclass(frozen=True)
class Awaiting:
    """A replayed record with no dead letter: the group that must consume it and where it is."""

    group: str
    partition: TopicPartition
    offset: int

    def consumed(self, committed: dict[tuple[str, TopicPartition], int]) -> bool:
        return committed.get((self.group, self.partition), -1) > self.offset


@dataclass(frozen=True)
class ReplayNode:
    """One replay of a dead letter: the audit entry that sent it (if known) and what became of it."""

    entry: AuditEntry | None
    dead_again: "ChainNode | None"
    awaiting: Awaiting | None = None


@dataclass(frozen=True)
class ChainNode:
    """A dead letter of the chain; `record` is None when the topic no longer retains it."""

    id: str
    record: DeadLetterRecord | None
    replays: list[ReplayNode] = field(default_factory=list)


def root_id(record: DeadLetterRecord) -> str:
    replay = record.dead_letter.replay
    return replay.root if replay else str(record.id)


def replay_chain(record: DeadLetterRecord, records: Iterable[DeadLetterRecord],
                 audit: list[AuditEntry]) -> ChainNode:
    """The whole chain `record` belongs to, from its first dead letter."""
    by_id = {str(r.id): r for r in records} | {str(record.id): record}
    children: dict[str, list[DeadLetterRecord]] = defaultdict(list)
    for candidate in sorted(by_id.values(), key=lambda r: (r.dead_letter.first_failure, r.id)):
        if candidate.dead_letter.replay:
            children[candidate.dead_letter.replay.replayed_from].append(candidate)
    return _node(root_id(record), by_id, children, audit, seen=set())


def _node(record_id: str, by_id: dict[str, DeadLetterRecord], children: dict[str, list[DeadLetterRecord]],
          audit: list[AuditEntry], seen: set[str]) -> ChainNode:
    seen.add(record_id)
    unmatched = [c for c in children.get(record_id, []) if str(c.id) not in seen]
    replays = []
    for entry in replay_history(audit, record_id):
        dead_again = next((c for c in unmatched if c.dead_letter.replay.replayed_at == entry.at), None)
        if dead_again is not None:
            unmatched.remove(dead_again)
            replays.append(ReplayNode(entry, _node(str(dead_again.id), by_id, children, audit, seen)))
        else:
            replays.append(ReplayNode(entry, None, _awaiting(by_id.get(record_id), entry, record_id)))
    replays += [ReplayNode(None, _node(str(c.id), by_id, children, audit, seen)) for c in unmatched]
    return ChainNode(record_id, by_id.get(record_id), replays)


def _awaiting(record: DeadLetterRecord | None, entry: AuditEntry, record_id: str) -> Awaiting | None:
    sent_to = entry.sent_to(record_id)
    if record is None or sent_to is None or not record.dead_letter.consumer_group:
        return None
    topic, partition, offset = sent_to
    return Awaiting(record.dead_letter.consumer_group, TopicPartition(topic, partition), offset)


def awaited(chain: ChainNode) -> list[Awaiting]:
    """Every replay of the chain whose fate depends on whether its group consumed it."""
    found = [r.awaiting for r in chain.replays if r.awaiting]
    return found + [a for r in chain.replays if r.dead_again for a in awaited(r.dead_again)]
