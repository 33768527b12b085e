"""The channel adapter's consumer on the real broker: the service's handlers of one topic (as
`runtime.consume` subscribes them — the kit's processor, inbox, retries) on a fresh topic standing
in for it, in a consumer group of the test's own, so the stack's running adapter never sees what a
test sends. Dead letters are kept in memory (`letters`) for the test to assert on."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from sqlalchemy import func, select

from tradeflow_channel_adapter.adapters.sqla_transaction import SqlaChannelAdapterTransaction
from tradeflow_channel_adapter.adapters.tables import inbox
from tradeflow_channel_adapter.app.handlers import message_handlers
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_kit.messaging.processor import MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.subscriptions import subscribe


@dataclass
class Bus:
    producer: AIOKafkaProducer
    topic: str
    group: str
    world: object
    letters: list[str] = field(default_factory=list)

    async def send(self, message: Contract, key: str) -> None:
        """Produce the message as its producer would: an envelope of its own, keyed by the order."""
        envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="test",
                                correlation_id=key)
        await self.producer.send_and_wait(self.topic, envelope.to_bytes(), key=key.encode(),
                                          headers=envelope.headers())

    async def taken(self, type_name: str) -> int:
        """Messages of the type the test's consumer processed (its inbox rows)."""
        async with self.world.transactions.read() as tx:
            return (await tx.session.execute(select(func.count()).select_from(inbox).where(
                inbox.c.consumer == self.group, inbox.c.type == type_name))).scalar_one()

    async def publish(self, record, group, error, kind, *_times, **_more) -> None:
        """The processor's dead-letter port."""
        self.letters.append(f"{kind}: {type(error).__name__}: {error}")


@asynccontextmanager
async def consuming(world, bootstrap: str, contract_topic: str, stand_in: str) -> AsyncIterator[Bus]:
    """`world`'s handlers of `contract_topic` consuming `stand_in` on the broker at `bootstrap`."""
    runtime, group = world.app.state.runtime, f"test-channel-adapter-{uuid.uuid4().hex[:8]}"
    handlers = message_handlers(SqlaChannelAdapterTransaction.for_message, world.c)[contract_topic]
    broker, producer = KafkaBroker(bootstrap), AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    bus = Bus(producer, stand_in, group, world)
    subscribe(broker, MessageProcessor(group=group, handlers=handlers, sessions=runtime.sessions, inbox=inbox,
                                       outbox=runtime.outbox, dead_letters=bus, retry=RetryPolicy(5, 0.1, 0.5),
                                       domain_errors=(ChannelAdapterError,)), stand_in)
    await producer.start()
    await broker.start()
    try:
        yield bus
    finally:
        await broker.stop()
        await producer.stop()
