"""Fulfillment's consumers on the real broker, for the receiver change tests: the service's handlers
of order.events and fulfillment.commands (as `runtime.consume` subscribes them — the kit's
processor, inbox, retries, waiting for facts) on fresh topics standing in for them, in a consumer
group of the test's own, so the stack's running fulfillment never sees what a test sends. Dead
letters are kept in memory (`letters`) for the test to assert on."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from sqlalchemy import func, select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.fulfillment import COMMANDS
from tradeflow_contracts.orders import EVENTS
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_kit.messaging import metrics
from tradeflow_kit.messaging.processor import MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.subscriptions import subscribe


@dataclass
class FulfillmentBus:
    producer: AIOKafkaProducer
    topics: dict[str, str]  # the contract's topic → this test's stand-in
    group: str
    sessions: object
    letters: list[str] = field(default_factory=list)

    async def send(self, message: Contract, key: str) -> None:
        """Produce the message as its producer would: an envelope of its own, keyed by the order."""
        envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="test",
                                correlation_id=key)
        await self.producer.send_and_wait(self.topics[message.TOPIC], envelope.to_bytes(), key=key.encode(),
                                          headers=envelope.headers())

    async def taken(self, type_name: str) -> int:
        """Messages of the type the test's consumers processed (their inbox rows)."""
        async with self.sessions() as s:
            return (await s.execute(select(func.count()).select_from(inbox).where(
                inbox.c.consumer == self.group, inbox.c.type == type_name))).scalar_one()

    def retried(self, contract: type[Contract]) -> float:
        """Failed attempts of the contract topic's consumer that were tried again."""
        return metrics.RETRIED.labels(self.topics[contract.TOPIC], self.group)._value.get()

    async def publish(self, record, group, error, kind, *_times, **_more) -> None:
        """The processor's dead-letter port."""
        self.letters.append(f"{kind}: {type(error).__name__}: {error}")


@asynccontextmanager
async def consuming(app, bootstrap: str, stand_ins: dict[str, str]) -> AsyncIterator[FulfillmentBus]:
    """The app's handlers of order.events and fulfillment.commands consuming their stand-ins."""
    runtime, group = app.state.runtime, f"test-fulfillment-{uuid.uuid4().hex[:8]}"
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message, app.state.api.collaborators)
    broker, producer = KafkaBroker(bootstrap), AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    bus = FulfillmentBus(producer, stand_ins, group, runtime.sessions)
    for topic in (EVENTS, COMMANDS):
        subscribe(broker, MessageProcessor(group=group, handlers=handlers[topic], sessions=runtime.sessions,
                                           inbox=inbox, outbox=runtime.outbox, dead_letters=bus,
                                           retry=RetryPolicy(5, 0.1, 0.5), domain_errors=(FulfillmentError,)),
                  stand_ins[topic])
    await producer.start()
    await broker.start()
    try:
        yield bus
    finally:
        await broker.stop()
        await producer.stop()
