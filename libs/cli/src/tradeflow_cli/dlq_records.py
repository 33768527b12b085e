"""Dead letters as read from `<topic>.dlq`: the original message plus why and where it failed."""

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRecord, TopicPartition

from tradeflow_cli.errors import OpsError
from tradeflow_cli.kafka_snapshot import list_topics, partitions_of, read_record, read_snapshot
from tradeflow_cli.record_id import RecordId
from tradeflow_cli.time_parsing import as_utc
from tradeflow_contracts.deadletter import DeadLetter, original_headers
from tradeflow_contracts.topics import DLQ_SUFFIX, dlq_topic

Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class DeadLetterRecord:
    id: RecordId
    dead_letter: DeadLetter
    key: bytes | None
    value: bytes | None
    headers: Headers

    @property
    def message_type(self) -> str:
        return decoded_headers(self.headers).get("type", "")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return original_headers(list(self.headers))


@dataclass(frozen=True)
class UnreadableRecord:
    """A record on a dead-letter topic without valid `dlq.*` headers: it cannot be listed or replayed."""

    id: RecordId
    written_at: datetime


@dataclass(frozen=True)
class DeadLetterSnapshot:
    records: list[DeadLetterRecord]
    unreadable: list[UnreadableRecord]
    end_offsets: dict[TopicPartition, int]


def as_dlq_topic(topic: str) -> str:
    """Ops may name the original topic or its dead-letter twin."""
    return topic if topic.endswith(DLQ_SUFFIX) else dlq_topic(topic)


def decoded_headers(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    return {k: (v or b"").decode(errors="replace") for k, v in headers}


def to_dead_letter(record: ConsumerRecord) -> DeadLetterRecord | UnreadableRecord:
    record_id = RecordId(record.topic, record.partition, record.offset)
    headers: Headers = tuple((k, v or b"") for k, v in record.headers)
    try:
        dead_letter = DeadLetter.from_headers(decoded_headers(headers))
    except (KeyError, ValueError):
        return UnreadableRecord(record_id, datetime.fromtimestamp(record.timestamp / 1000, UTC))
    replay = dead_letter.replay
    if replay is not None and replay.replayed_at is not None:
        replay = dataclasses.replace(replay, replayed_at=as_utc(replay.replayed_at))
    dead_letter = dataclasses.replace(dead_letter, first_failure=as_utc(dead_letter.first_failure),
                                      last_failure=as_utc(dead_letter.last_failure), replay=replay)
    return DeadLetterRecord(record_id, dead_letter, record.key, record.value, headers)


async def dlq_topics_on_cluster(bootstrap: str) -> list[str]:
    return [t for t in await list_topics(bootstrap) if t.endswith(DLQ_SUFFIX)]


async def load_dead_letters(bootstrap: str, dlq_topics: Sequence[str], *,
                            missing_ok: bool = False) -> DeadLetterSnapshot:
    """Every record of the given dead-letter topics, or of every one on the cluster when none is given."""
    if dlq_topics:
        partitions = await partitions_of(bootstrap, dlq_topics, missing_ok=missing_ok)
    else:  # a topic deleted since it was listed is no longer there to read
        partitions = await partitions_of(bootstrap, await dlq_topics_on_cluster(bootstrap), missing_ok=True)
    snapshot = await read_snapshot(bootstrap, partitions)
    read = [to_dead_letter(r) for r in snapshot.records]
    return DeadLetterSnapshot(
        records=[r for r in read if isinstance(r, DeadLetterRecord)],
        unreadable=[r for r in read if isinstance(r, UnreadableRecord)],
        end_offsets=snapshot.end_offsets,
    )


async def load_dead_letter(bootstrap: str, record_id: RecordId) -> DeadLetterRecord:
    if record_id.topic_partition not in await partitions_of(bootstrap, [record_id.topic]):
        raise OpsError(f"{record_id.topic} has no partition {record_id.partition}")
    record = await read_record(bootstrap, record_id.topic_partition, record_id.offset)
    if record is None:
        raise OpsError(f"no record {record_id}: the offset is outside what the topic retains")
    read = to_dead_letter(record)
    if isinstance(read, UnreadableRecord):
        raise OpsError(f"{record_id} has no valid dlq.* headers: it is not a dead letter")
    return read


async def load_dead_letters_by_id(bootstrap: str, record_ids: Sequence[RecordId]) -> list[DeadLetterRecord]:
    snapshot = await load_dead_letters(bootstrap, sorted({i.topic for i in record_ids}))
    found = {r.id: r for r in snapshot.records}
    missing = [str(i) for i in record_ids if i not in found]
    if missing:
        raise OpsError(f"no dead letter {', '.join(missing)} (not retained, or without dlq.* headers)")
    return [found[i] for i in dict.fromkeys(record_ids)]
