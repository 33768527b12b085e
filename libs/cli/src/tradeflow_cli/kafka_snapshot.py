"""Reading topics as a snapshot: every record up to the end offsets seen at the start.

Partitions are assigned by hand and no consumer group is used, so reading leaves no trace
on the cluster and never moves anyone's committed offsets.
"""

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from tradeflow_cli.errors import OpsError

READ_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Snapshot:
    records: list[ConsumerRecord]
    end_offsets: dict[TopicPartition, int]


async def list_topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(await admin.list_topics())
    finally:
        await admin.close()


async def partitions_of(bootstrap: str, topics: Iterable[str], *, missing_ok: bool = False) -> list[TopicPartition]:
    """Every partition of the given topics; unless `missing_ok`, an OpsError names the topics that do not exist."""
    topics = sorted(set(topics))
    if not topics:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    missing = sorted(t["topic"] for t in described if t["error_code"])
    if missing and not missing_ok:
        raise OpsError(f"no such topic on {bootstrap}: {', '.join(missing)}")
    return [TopicPartition(t["topic"], p["partition"]) for t in described if not t["error_code"]
            for p in t["partitions"]]


async def committed_offsets(bootstrap: str, wanted: Iterable[tuple[str, TopicPartition]]
                            ) -> dict[tuple[str, TopicPartition], int]:
    """(group, partition) → the group's committed offset, for those that have one. Reads only."""
    by_group: dict[str, list[TopicPartition]] = defaultdict(list)
    for group, partition in set(wanted):
        by_group[group].append(partition)
    if not by_group:
        return {}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = {}
        for group, partitions in sorted(by_group.items()):
            offsets = await _group_offsets(admin, group, partitions)
            committed |= {(group, tp): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
        return committed
    finally:
        await admin.close()


async def _group_offsets(admin: AIOKafkaAdminClient, group: str, partitions: list[TopicPartition],
                         timeout_s: float = READ_TIMEOUT_S) -> dict:
    """The group's offsets, waiting out what a broker says is passing (a coordinator not yet
    elected or still loading, as on a broker that has just started), within the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return await admin.list_consumer_group_offsets(group, partitions=partitions)
        except KafkaError as exc:
            if not exc.retriable or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def read_snapshot(bootstrap: str, partitions: list[TopicPartition],
                        timeout_s: float = READ_TIMEOUT_S) -> Snapshot:
    if not partitions:
        return Snapshot([], {})
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        consumer.assign(partitions)
        end_offsets = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        records = await _read_up_to(consumer, end_offsets, time.monotonic() + timeout_s)
    finally:
        await consumer.stop()
    return Snapshot(records, end_offsets)


async def read_record(bootstrap: str, partition: TopicPartition, offset: int,
                      timeout_s: float = READ_TIMEOUT_S) -> ConsumerRecord | None:
    """The record at `offset`, or None when it is outside the partition's retained range."""
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        consumer.assign([partition])
        start = (await consumer.beginning_offsets([partition]))[partition]
        end = (await consumer.end_offsets([partition]))[partition]
        if not start <= offset < end:
            return None
        consumer.seek(partition, offset)
        records = await _read_up_to(consumer, {partition: offset + 1}, time.monotonic() + timeout_s)
    finally:
        await consumer.stop()
    return next((r for r in records if r.offset == offset), None)


def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                            auto_offset_reset="earliest")


async def _read_up_to(consumer: AIOKafkaConsumer, end_offsets: dict[TopicPartition, int],
                      deadline: float) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    pending = [tp for tp in end_offsets if await consumer.position(tp) < end_offsets[tp]]
    while pending:
        if time.monotonic() > deadline:
            raise OpsError(f"reading {', '.join(sorted({tp.topic for tp in pending}))} did not finish in time")
        batch = await consumer.getmany(*pending, timeout_ms=500)
        for tp, fetched in batch.items():
            records += [r for r in fetched if r.offset < end_offsets[tp]]
        pending = [tp for tp in pending if await consumer.position(tp) < end_offsets[tp]]
    return records
