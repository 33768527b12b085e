"""A service's consumers on the real broker, for its integration tests: the service's handlers of
some contract topics (as `runtime.consume` subscribes them — the kit's processor, inbox, retries,
waiting for facts) each on a fresh topic standing in for its topic, in a consumer group of the
test's own, so the stack's running service never sees what a test sends. Dead letters are kept in
memory (`letters`) for the test to assert on.

    async with consuming(runtime, bootstrap, handlers, {EVENTS: await new_topic(partitions=1)},
                         inbox=inbox, domain_errors=(OrderError,), name="order") as bus:
        await bus.send(OrderPaid(...), key="O-1")
        await poll_until(lambda: bus.taken(OrderPaid.TYPE), lambda n: n == 1, 10, "taken")
"""

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata, TopicPartition
from faststream.kafka import KafkaBroker
from sqlalchemy import Table, func, select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_kit.messaging import metrics
from tradeflow_kit.messaging.processor import DeadLetterHook, MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.subscriptions import subscribe

RETRY = RetryPolicy(5, 0.1, 0.5)


async def produce(producer: AIOKafkaProducer, topic: str, message: Contract, key: str) -> None:
    """Produce the message as its producer would: an envelope of its own (with its type headers),
    keyed by `key` (the order)."""
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="test", correlation_id=key)
    await producer.send_and_wait(topic, envelope.to_bytes(), key=key.encode(), headers=envelope.headers())


@dataclass
class Bus:
    producer: AIOKafkaProducer
    admin: AIOKafkaAdminClient
    topics: dict[str, str]
    """The contract's topic → this test's stand-in."""
    group: str
    sessions: Any
    inbox: Table
    letters: list[str] = field(default_factory=list)
    """`<kind>: <ExcType>: <message>` per record dead-lettered."""
    sent: dict[str, int] = field(default_factory=dict)

    async def send(self, message: Contract, key: str = "O-1") -> None:
        """The message on its topic's stand-in."""
        topic = self.topics[message.TOPIC]
        await produce(self.producer, topic, message, key)
        self.sent[topic] = self.sent.get(topic, 0) + 1

    async def taken(self, type_name: str) -> int:
        """Messages of the type this test's consumers processed (their inbox rows)."""
        async with self.sessions() as session:
            return (await session.execute(select(func.count()).select_from(self.inbox).where(
                self.inbox.c.consumer == self.group, self.inbox.c.type == type_name))).scalar_one()

    def retried(self, contract: type[Contract]) -> float:
        """Failed attempts of the contract topic's consumer that were tried again."""
        return metrics.RETRIED.labels(self.topics[contract.TOPIC], self.group)._value.get()

    async def committed_all(self) -> bool:
        """Every record sent is consumed and its offset committed (stand-ins of one partition)."""
        committed = await self.admin.list_consumer_group_offsets(self.group)
        return all(committed.get(TopicPartition(topic, 0), OffsetAndMetadata(0, "")).offset >= count
                   for topic, count in self.sent.items())

    async def publish(self, record, group, error, kind, *_times, **_more) -> None:
        """The processor's dead-letter port."""
        self.letters.append(f"{kind}: {type(error).__name__}: {error}")


@asynccontextmanager
async def consuming(runtime: Any, bootstrap: str, handlers: Mapping[str, Mapping], stand_ins: Mapping[str, str], *,
                    inbox: Table, domain_errors: tuple[type[BaseException], ...], name: str,
                    retry: RetryPolicy = RETRY, on_dead_letter: DeadLetterHook | None = None) -> AsyncIterator[Bus]:
    """The handlers (by contract topic, as the service's `message_handlers` gives them) of each topic
    of `stand_ins` consuming its stand-in, with the service's runtime (sessions, outbox)."""
    group = f"test-{name}-{uuid.uuid4().hex[:8]}"
    broker = KafkaBroker(bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    bus = Bus(producer, admin, dict(stand_ins), group, runtime.sessions, inbox)
    for topic, stand_in in stand_ins.items():
        subscribe(broker, MessageProcessor(group=group, handlers=handlers[topic], sessions=runtime.sessions,
                                           inbox=inbox, outbox=runtime.outbox, dead_letters=bus, retry=retry,
                                           domain_errors=domain_errors, on_dead_letter=on_dead_letter), stand_in)
    await producer.start()
    await admin.start()
    await broker.start()
    try:
        yield bus
    finally:
        await broker.stop()
        await admin.close()
        await producer.stop()
