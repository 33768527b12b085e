"""Processing consumed records: decode, deduplicate, handle, retry, dead-letter.

The handler's database effects, the messages it publishes (outbox) and the inbox record commit
in one transaction. The caller commits the Kafka offsets only after `process` / `process_batch`
returns, so a crash anywhere before that redelivers the records, and the inbox makes the
redelivery harmless.

`process_batch` handles what the consumer had ready in **one** transaction (one commit instead of
one per record): per record a savepoint holds the inbox claim, the handler and its outbox rows.
* A record refused for good (a domain rule, bad data, unknown type) rolls back to its savepoint
  and is dead-lettered alone, after the commit; the others commit.
* A record that fails for a reason worth retrying ends the transaction early: the records before
  it commit, it is then processed alone (its own transaction, retries, maybe the dead-letter
  topic — exactly as `process`), and the rest continues as a new batch. So records keep their
  order (per key and per partition) and a retry never holds the locks of other records.
* If the transaction itself fails (the database went away, the commit failed), nothing of it
  committed: the records are processed one by one, each as `process`.
The dead-letter hook (`on_dead_letter`) runs after the commit, in its own transaction.

A record for other consumers (a type this one has no handler for, or a message its handler does
not accept) is ignored — no savepoint, no inbox row, and no transaction for a batch of nothing
else; one whose headers already name a type it has no handler for is ignored with its payload
unread (`unhandled`).

A dependency that cannot be reached (the database refusing or resetting connections, starting
up or shutting down, no pooled connection in time: `tradeflow_kit.outages`) is an outage, not the
record's fault: the record waits it out, retried every `max_delay` seconds without spending its
retries, and is never dead-lettered for it — the partition waits with it, as it must. A record
awaiting facts another topic brings (`outages.AwaitingFacts`) waits the same way, for up to the
error's `patience`.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import structlog
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.registry import Contract, ContractRegistry, registry
from tradeflow_kit.messaging import metrics
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.errors import MalformedMessage, is_permanent
from tradeflow_kit.messaging.inbox import claim
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.messaging.trace import current_traceparent
from tradeflow_kit.messaging.unhandled import is_unhandled
from tradeflow_kit.outages import AwaitingFacts, unreachable_dependency

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class MessageContext:
    """What a handler gets besides the message: the open transaction and a way to publish."""

    session: AsyncSession
    envelope: Envelope
    outbox: Outbox

    async def publish(self, message: Contract, *, key: str, topic: str | None = None) -> Envelope:
        """Publish a follow-up message, caused by this one, when the transaction commits."""
        return await self.outbox.append(self.session, message, key=key, topic=topic,
                                        correlation_id=self.envelope.correlation_id,
                                        causation_id=str(self.envelope.message_id))


Handler = Callable[[Contract, MessageContext], Awaitable[None]]


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead-lettered"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: by default 5 attempts within about 1.5 s."""

    max_attempts: int = 5
    base_delay: float = 0.1
    max_delay: float = 2.0

    def delay(self, attempt: int) -> float:
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)


Letter = tuple[ConsumedRecord, Envelope | None, BaseException]
"""A record refused for good, its envelope (None if it is not one) and why: to dead-letter."""

DeadLetterHook = Callable[[ConsumedRecord, Envelope | None, str], Awaitable[None]]
"""Told after a record was dead-lettered: the record, its envelope (None if it is not one) and
the reason `<kind>: <ExcType>: <message>` (e.g. a saga parks itself on a dead-lettered reply)."""


class MessageProcessor:
    def __init__(self, *, group: str, handlers: dict[type[Contract], Handler],
                 sessions: async_sessionmaker[AsyncSession], inbox: Table, outbox: Outbox,
                 dead_letters: DeadLetterPublisher, retry: RetryPolicy | None = None,
                 contracts: ContractRegistry = registry,
                 domain_errors: tuple[type[BaseException], ...] = (),
                 on_dead_letter: DeadLetterHook | None = None) -> None:
        self.group, self.sessions, self.inbox, self.outbox = group, sessions, inbox, outbox
        self.dead_letters, self.retry, self.contracts = dead_letters, retry or RetryPolicy(), contracts
        self.handlers = {(c.TYPE, c.VERSION): h for c, h in handlers.items()}
        self.domain_errors = domain_errors
        self.on_dead_letter = on_dead_letter

    async def process(self, record: ConsumedRecord) -> Outcome:
        """One record in its own transaction, retried within the policy, else dead-lettered."""
        if is_unhandled(record, self.handlers, self.contracts):  # known to be for others: left unread
            metrics.CONSUMED.labels(record.topic, self.group, Outcome.IGNORED.value).inc()
            return Outcome.IGNORED
        first_failure = datetime.now(UTC)
        try:
            envelope = _envelope(record)
        except MalformedMessage as exc:
            return await self._dead_letter(record, None, exc, "permanent", 1, first_failure)
        with self._bound(record, envelope):
            outcome = await self._attempts(record, envelope, first_failure)
        metrics.CONSUMED.labels(record.topic, self.group, outcome.value).inc()
        return outcome

    async def process_batch(self, records: Sequence[ConsumedRecord]) -> list[Outcome]:
        """The records in order, in as few transactions as their outcomes allow (module doc)."""
        outcomes: list[Outcome] = []
        while len(outcomes) < len(records):
            rest = records[len(outcomes):]
            try:
                done, letters = await self._one_transaction(rest)
            except Exception as exc:  # noqa: BLE001 — nothing committed: each record on its own
                log.warning("message.batch_failed", records=len(rest), error=f"{type(exc).__name__}: {exc}")
                outcomes.extend([await self.process(record) for record in rest])
                break
            for record, envelope, exc in letters:
                await self._dead_letter(record, envelope, exc, "permanent", 1, datetime.now(UTC))
            for record, outcome in zip(rest, done, strict=False):
                metrics.CONSUMED.labels(record.topic, self.group, outcome.value).inc()
            outcomes.extend(done)
            if len(done) < len(rest):  # rest[len(done)] needs retries: alone, before the ones after it
                outcomes.append(await self.process(rest[len(done)]))
        return outcomes

    async def _one_transaction(self, records: Sequence[ConsumedRecord]) -> tuple[list[Outcome], list[Letter]]:
        """Handle a prefix of `records` in one transaction and commit it: the outcomes of that
        prefix (shorter than `records` when a record failed in a way worth retrying) and the
        records refused for good, to dead-letter now that the rest committed. The transaction is
        opened by the first record that needs it: a batch of records for other consumers opens
        none."""
        outcomes: list[Outcome] = []
        letters: list[Letter] = []
        async with AsyncExitStack() as stack:
            opened: list[AsyncSession] = []

            async def session() -> AsyncSession:
                if not opened:
                    opened.append(await stack.enter_async_context(self.sessions.begin()))
                return opened[0]

            for record in records:
                outcome, letter = await self._in_transaction(record, session)
                if outcome is None:  # worth retrying: alone, after this transaction commits
                    break
                outcomes.append(outcome)
                if letter is not None:
                    letters.append(letter)
        return outcomes, letters

    async def _in_transaction(self, record: ConsumedRecord, session: Callable[[], Awaitable[AsyncSession]],
                              ) -> tuple[Outcome | None, Letter | None]:
        """One record of a batch in a savepoint of the batch's transaction: its outcome and, if it
        is refused for good, its dead letter; no outcome if it failed in a way worth retrying."""
        if is_unhandled(record, self.handlers, self.contracts):
            return Outcome.IGNORED, None
        try:
            envelope = _envelope(record)
        except MalformedMessage as exc:
            return Outcome.DEAD_LETTERED, (record, None, exc)
        with self._bound(record, envelope):
            try:
                route = self._route(envelope)
                if route is None:  # not for this consumer: no savepoint, no inbox row
                    return Outcome.IGNORED, None
                transaction = await session()
                async with transaction.begin_nested():
                    return await self._claim_and_handle(transaction, envelope, *route), None
            except Exception as exc:  # noqa: BLE001 — classified: refused for good, or retried alone
                if not is_permanent(exc, self.domain_errors):
                    return None, None
                return Outcome.DEAD_LETTERED, (record, envelope, exc)

    @contextmanager
    def _bound(self, record: ConsumedRecord, envelope: Envelope):
        """The record's ids in every log line, and its trace parent for the messages it causes."""
        with structlog.contextvars.bound_contextvars(
                message_id=str(envelope.message_id), message_type=envelope.type,
                correlation_id=envelope.correlation_id, topic=record.topic, consumer_group=self.group):
            token = current_traceparent.set(record.header("traceparent"))
            try:
                yield
            finally:
                current_traceparent.reset(token)

    async def _attempts(self, record: ConsumedRecord, envelope: Envelope, first_failure: datetime) -> Outcome:
        try:  # before any database work: an unknown type or a bad payload never opens a transaction
            route = self._route(envelope)
        except Exception as exc:  # noqa: BLE001 — refused for good
            return await self._dead_letter(record, envelope, exc, "permanent", 1, first_failure)
        if route is None:
            return Outcome.IGNORED
        attempt = 1
        while True:
            try:
                async with self.sessions.begin() as session:
                    return await self._claim_and_handle(session, envelope, *route)
            except Exception as exc:  # noqa: BLE001 — classified below, never swallowed
                if is_permanent(exc, self.domain_errors):
                    return await self._dead_letter(record, envelope, exc, "permanent", attempt, first_failure)
                if unreachable_dependency(exc) or _still_patient(exc, first_failure):  # wait, retries unspent
                    metrics.RETRIED.labels(record.topic, self.group).inc()
                    log.warning("message.waiting_for_dependency", attempt=attempt, error=f"{type(exc).__name__}: {exc}")
                    await asyncio.sleep(self.retry.max_delay)
                    continue
                if attempt >= self.retry.max_attempts:
                    return await self._dead_letter(record, envelope, exc, "retries-exhausted", attempt, first_failure)
                metrics.RETRIED.labels(record.topic, self.group).inc()
                log.warning("message.retrying", attempt=attempt, error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(self.retry.delay(attempt))
                attempt += 1

    def _route(self, envelope: Envelope) -> tuple[Handler, Contract] | None:
        """This consumer's handler and the parsed message; None for a known type it does not
        handle, or a message its handler does not accept (`handler.accepts`, see
        `handlers.use_case_handlers`); raises (permanent) for a type unknown anywhere or a payload
        that does not parse."""
        handler = self.handlers.get((envelope.type, envelope.version))
        if handler is None:
            self.contracts.resolve(envelope.type, envelope.version)
            return None
        message = self.contracts.parse(envelope)
        accepts = getattr(handler, "accepts", None)
        if accepts is not None and not accepts(message):
            return None
        return handler, message

    async def _claim_and_handle(self, session: AsyncSession, envelope: Envelope, handler: Handler,
                                message: Contract) -> Outcome:
        if not await claim(session, self.inbox, self.group, envelope.message_id, envelope.type):
            return Outcome.DUPLICATE
        await handler(message, MessageContext(session, envelope, self.outbox))
        return Outcome.PROCESSED

    async def _dead_letter(self, record: ConsumedRecord, envelope: Envelope | None, exc: BaseException, kind: str,
                           attempts: int, first_failure: datetime) -> Outcome:
        log.error("message.dead_lettered", kind=kind, attempts=attempts, position=record.position,
                  error=f"{type(exc).__name__}: {exc}")
        await self.dead_letters.publish(record, self.group, exc, kind, attempts, first_failure, datetime.now(UTC))
        metrics.DEAD_LETTERED.labels(record.topic, self.group, kind).inc()
        if self.on_dead_letter is not None:
            try:
                await self.on_dead_letter(record, envelope, f"{kind}: {type(exc).__name__}: {exc}")
            except Exception as hook_exc:  # noqa: BLE001 — the record is dead-lettered: commit it anyway
                log.error("message.dead_letter_hook_failed", position=record.position,
                          error=f"{type(hook_exc).__name__}: {hook_exc}")
        return Outcome.DEAD_LETTERED


def _envelope(record: ConsumedRecord) -> Envelope:
    try:
        return Envelope.from_bytes(record.value)
    except ValueError as exc:
        raise MalformedMessage(f"not a Tradeflow envelope at {record.position}: {exc}") from exc


def _still_patient(exc: BaseException, first_failure: datetime) -> bool:
    """A record awaiting facts (AwaitingFacts) within its patience since its first failure."""
    return isinstance(exc, AwaitingFacts) and (datetime.now(UTC) - first_failure).total_seconds() < exc.patience
