"""Reading what landed on a topic, for assertions: from the beginning, with a deadline."""

import time

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord


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
