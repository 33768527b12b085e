"""Dead-letter topics on the real broker, a private audit topic, and the CLI run against both."""

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from typer.testing import CliRunner, Result

from tradeflow_cli.main import app
from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.deadletter import DeadLetter
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.topics import dlq_topic
from tradeflow_testing.polling import eventually
from tradeflow_testing.topics import read_topic

PARTITIONS = 3


@dataclass(frozen=True)
class Failure:
    """One message that failed: what it was, who failed on it, why and when."""

    age: timedelta = timedelta(hours=1)
    type: str = "order.placed"
    key: str = "order-1"
    group: str = "payment"
    error_class: str = "ValueError"
    error_message: str = "amount must be positive"
    partition: int = 0
    value: bytes | None = None  # instead of the envelope
    claimed_original: str | None = None  # the dlq.original.topic header, if not the twin's original


@dataclass(frozen=True)
class Kafka:
    bootstrap: str

    async def dead_letter(self, original_topic: str, **described) -> RecordId:
        """Writes a failed message (see `Failure`) to the original topic's `.dlq` twin as a consumer would."""
        failure = Failure(**described)
        envelope = new_envelope(failure.type, 1, {"order_id": failure.key}, producer="order", correlation_id="c-1")
        last = datetime.now(UTC) - failure.age
        headers = envelope.headers(traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        headers += DeadLetter(
            original_topic=failure.claimed_original or original_topic, original_partition=failure.partition,
            original_offset=17,
            consumer_group=failure.group, error_class=failure.error_class, error_message=failure.error_message,
            error_kind="permanent", attempts=3, first_failure=last - timedelta(seconds=30), last_failure=last,
        ).headers()
        metadata = await self.send(dlq_topic(original_topic), failure.value or envelope.to_bytes(),
                                   failure.key.encode(), headers, failure.partition)
        return RecordId(metadata.topic, metadata.partition, metadata.offset)

    async def send(self, topic: str, value: bytes, key: bytes | None, headers, partition: int = 0):
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            return await producer.send_and_wait(topic, value, key=key, headers=headers, partition=partition)
        finally:
            await producer.stop()

    async def offsets(self, topic: str, partitions: int = PARTITIONS) -> dict[int, tuple[int, int]]:
        """partition → (first retained offset, end offset)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap)
        await consumer.start()
        try:
            wanted = [TopicPartition(topic, p) for p in range(partitions)]
            starts, ends = await consumer.beginning_offsets(wanted), await consumer.end_offsets(wanted)
        finally:
            await consumer.stop()
        return {tp.partition: (starts[tp], ends[tp]) for tp in starts}

    async def record_count(self, topic: str, partitions: int = PARTITIONS) -> int:
        return sum(end - start for start, end in (await self.offsets(topic, partitions)).values())

    async def consume(self, topic: str, count: int, timeout_s: float = 30) -> list[ConsumerRecord]:
        """The first `count` records of `topic`, waiting for them up to a deadline."""
        return (await read_topic(self.bootstrap, topic, count, timeout_s))[:count]

    async def audit_entries(self, audit_topic: str, count: int) -> list[dict]:
        return [json.loads(r.value) for r in await self.consume(audit_topic, count)]


@pytest.fixture
def kafka(infra) -> Kafka:
    return Kafka(infra.kafka_bootstrap)


@pytest.fixture
async def original_topic(infra, new_topic):
    """A fresh topic with its `.dlq` twin (same partitions); the twin is deleted afterwards."""
    topic = await new_topic(partitions=PARTITIONS)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(dlq_topic(topic), PARTITIONS, 1)])
        await eventually(lambda: _led(admin, [topic, dlq_topic(topic)]), what="both topics with a leader everywhere")
        yield topic
        await admin.delete_topics([dlq_topic(topic)])
    finally:
        await admin.close()


async def _led(admin: AIOKafkaAdminClient, topics: list[str]) -> bool:
    """A topic just created may be unknown, or without leaders, for a moment: commands would fail on it."""
    described = await admin.describe_topics(topics)
    return all(not t["error_code"] and len(t["partitions"]) > 0 and all(p["leader"] >= 0 for p in t["partitions"])
               for t in described)


@pytest.fixture
async def audit_topic(new_topic) -> str:
    """Replays and purges in tests are audited here, not on the shared `ops.audit`."""
    return await new_topic(partitions=1)


@dataclass(frozen=True)
class Tradeflow:
    """Runs `tradeflow …` as an operator would, in a thread (the command runs its own event loop)."""

    env: dict[str, str]

    async def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, app, list(args), input=input, env=self.env | (env or {}))

    async def listed_ids(self, *args: str) -> list[str]:
        result = await self("dlq", "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.fixture
def tradeflow(infra, audit_topic) -> Tradeflow:
    return Tradeflow({"KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap, "TRADEFLOW_AUDIT_TOPIC": audit_topic,
                      "TRADEFLOW_ACTOR": "ops-test", "COLUMNS": "300"})
