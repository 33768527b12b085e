"""Reading what landed on a topic, for assertions: from the beginning, with a deadline."""

import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of `topics` (those that exist)."""
    if not topics:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(sorted(topics))
    finally:
        await admin.close()
    return [TopicPartition(d["topic"], p["partition"]) for d in described if not d["error_code"]
            for p in d["partitions"]]


async def read_topic(bootstrap: str, topic: str, expected: int, timeout: float = 30) -> list[ConsumerRecord]:
    """The first records of `topic`, waiting until `expected` arrived or the deadline passed
    (the caller asserts on the count: fewer means they never came)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            records += [r for fetched in batch.values() for r in fetched]
    finally:
        await consumer.stop()
    return records
