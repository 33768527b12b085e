"""In-memory stand-ins for what a MessageProcessor talks to (its transactions, the dead-letter
topic), and records as Kafka delivers them, for unit tests of the processor's routing."""

from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import MetaData

from tradeflow_contracts.envelope import Envelope, new_envelope
from tradeflow_contracts.registry import Contract, ContractRegistry
from tradeflow_kit.messaging.processor import MessageContext, MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.messaging.schema import messaging_tables

TOPIC = "test.unit-events"
unit_contracts = ContractRegistry()
_, inbox_table = messaging_tables(MetaData())


@unit_contracts.register
class Counted(Contract):
    """The one contract the processor under test handles."""

    TYPE, VERSION, TOPIC = "test.counted", 1, TOPIC
    item: str


@unit_contracts.register
class Elsewhere(Contract):
    """A contract known to the platform that the processor under test has no handler for."""

    TYPE, VERSION, TOPIC = "test.elsewhere", 1, TOPIC
    amount: int


class _Result:
    def first(self) -> tuple[str]:
        return ("claimed",)


class FakeSession:
    """Every inbox claim succeeds; savepoints are counted."""

    def __init__(self) -> None:
        self.savepoints = 0

    async def execute(self, _statement) -> _Result:
        return _Result()

    @asynccontextmanager
    async def begin_nested(self):
        self.savepoints += 1
        yield self


@dataclass
class FakeSessions:
    """`async_sessionmaker.begin()`: the transactions opened."""

    opened: list[FakeSession] = field(default_factory=list)

    @asynccontextmanager
    async def begin(self):
        session = FakeSession()
        self.opened.append(session)
        yield session


@dataclass
class FakeDeadLetters:
    letters: list[tuple[ConsumedRecord, str, BaseException]] = field(default_factory=list)

    async def publish(self, record, _group, error, kind, _attempts, _first, _last) -> None:
        self.letters.append((record, kind, error))


@dataclass
class Harness:
    processor: MessageProcessor
    sessions: FakeSessions
    dead_letters: FakeDeadLetters
    handled: list[str]


def harness(group: str, accepts=None) -> Harness:
    """A processor of `group` handling `Counted` (those `accepts` takes, if given)."""
    handled: list[str] = []

    async def count(message: Counted, _ctx: MessageContext) -> None:
        handled.append(message.item)

    if accepts is not None:
        count.accepts = accepts  # type: ignore[attr-defined]
    sessions, dead_letters = FakeSessions(), FakeDeadLetters()
    processor = MessageProcessor(group=group, handlers={Counted: count}, sessions=sessions, inbox=inbox_table,
                                 outbox=None, dead_letters=dead_letters, retry=RetryPolicy(max_attempts=1),
                                 contracts=unit_contracts)
    return Harness(processor, sessions, dead_letters, handled)


def envelope_of(type_: str, payload: dict, version: int = 1) -> Envelope:
    return new_envelope(type_, version, payload, producer="test", correlation_id="order-1")


def record(value: bytes, headers: list[tuple[str, bytes]] | None, offset: int = 0) -> ConsumedRecord:
    return ConsumedRecord(TOPIC, 0, offset, b"order-1", value, tuple(headers or ()), 0)


def delivered(envelope: Envelope, offset: int = 0) -> ConsumedRecord:
    """As the outbox relay publishes it: the envelope, its headers repeating type and version."""
    return record(envelope.to_bytes(), envelope.headers(), offset)


def headers_naming(type_: str, version: str = "1") -> list[tuple[str, bytes]]:
    return [("type", type_.encode()), ("version", version.encode())]
