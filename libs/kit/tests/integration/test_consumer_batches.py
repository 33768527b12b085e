"""A batch in one transaction: a poison record in the middle is dead-lettered alone while the
others commit (once, in order per key), a redelivered batch changes nothing, and a transaction
that breaks under the batch falls back to one record per transaction without losing any."""

import uuid

import pytest
from faststream.kafka import KafkaBroker
from sqlalchemy import select, text

from tradeflow_contracts.deadletter import DeadLetter
from tradeflow_contracts.envelope import new_envelope
from tradeflow_kit.db import session_factory
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.handlers import use_case_handlers
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageContext, MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.messaging.subscriptions import subscribe
from tradeflow_testing.polling import eventually

from .conftest import read_all
from .messaging_support import (
    ItemCounted,
    RuleRefused,
    Switchboard,
    counting_handler,
    effect_counts,
    effects,
    inbox_table,
    outbox_table,
    test_contracts,
)

ITEMS = ["a", "b", "poison", "c", "d"]


def _envelope(item: str):
    return new_envelope(ItemCounted.TYPE, 1, {"item": item}, producer="test", correlation_id="corr-1")


def _processor(engine, producer, handler, group: str = "batch-test") -> MessageProcessor:
    return MessageProcessor(
        group=group, handlers={ItemCounted: handler}, sessions=session_factory(engine), inbox=inbox_table,
        outbox=Outbox(outbox_table, "test"), dead_letters=DeadLetterPublisher(producer),
        retry=RetryPolicy(max_attempts=3, base_delay=0.05), contracts=test_contracts, domain_errors=(RuleRefused,))


@pytest.fixture
async def consume_in_batches(infra, engine, producer):
    brokers: list[KafkaBroker] = []

    async def start(topic: str, switches: Switchboard) -> None:
        broker = KafkaBroker(infra.kafka_bootstrap)
        subscribe(broker, _processor(engine, producer, counting_handler(switches), f"batch-{uuid.uuid4().hex[:6]}"),
                  topic, max_records=50)
        await broker.start()
        brokers.append(broker)

    yield start
    for broker in brokers:
        await broker.stop()


async def _commits_in_order(engine) -> list[tuple[str, object]]:
    """Each effect's item, in the order written, with its transaction's timestamp (`now()` of the
    inbox row: records committed together share it)."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(effects.c.item, inbox_table.c.processed_at)
                                  .join(inbox_table, inbox_table.c.message_id == effects.c.message_id)
                                  .order_by(effects.c.id))
        return [(item, at) for item, at in rows]


@pytest.mark.parametrize(("fault", "kind", "attempts"), [("refused", "permanent", 1),
                                                           ("broken", "retries-exhausted", 3)])
async def test_a_poison_record_in_the_middle_is_dead_lettered_alone_and_the_others_commit_once_in_order(
        consume_in_batches, producer, engine, infra, topic_with_dlq, fault, kind, attempts):
    switches = Switchboard()
    (switches.refused_items if fault == "refused" else switches.broken_items).add("poison")
    envelopes = [_envelope(item) for item in ITEMS]
    for envelope in envelopes:  # one key: one partition, in this order, all ready before the consumer starts
        await producer.send_and_wait(topic_with_dlq, envelope.to_bytes(), key=b"order-1", headers=envelope.headers())
    await consume_in_batches(topic_with_dlq, switches)

    await eventually(lambda: _has(engine, "d"), what="the records behind the poison")
    [letter] = await read_all(infra.kafka_bootstrap, topic_with_dlq + ".dlq", expected=1)
    meta = DeadLetter.from_headers({k: v.decode() for k, v in letter.headers})
    assert letter.value == envelopes[2].to_bytes()
    assert (meta.error_kind, meta.attempts) == (kind, attempts)
    committed = await _commits_in_order(engine)
    assert [item for item, _ in committed] == ["a", "b", "c", "d"]  # each once, in key order, no poison
    at = dict(committed)
    assert at["a"] == at["b"] and at["c"] == at["d"]  # batched: one transaction before, one after
    if fault == "refused":  # refused for good: skipped inside the same transaction
        assert at["a"] == at["c"]
    else:  # worth retrying: the prefix committed, the poison retried alone, then the rest
        assert at["a"] < at["c"]


def _records(topic: str, items: list[str]) -> list[ConsumedRecord]:
    return [ConsumedRecord(topic, 0, offset, b"order-1", envelope.to_bytes(), tuple(envelope.headers()), 0)
            for offset, envelope in enumerate(_envelope(item) for item in items)]


async def test_a_whole_batch_delivered_again_changes_nothing(engine, producer):
    processor = _processor(engine, producer, counting_handler(Switchboard()))
    records = _records("test.batch", ["a", "b", "c"])
    assert await processor.process_batch(records) == [Outcome.PROCESSED] * 3
    assert await processor.process_batch(records) == [Outcome.DUPLICATE] * 3
    assert await processor.process_batch([*records[1:], *_records("test.batch", ["d"])]) == [
        Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.PROCESSED]
    assert await effect_counts(engine) == {"a": 1, "b": 1, "c": 1, "d": 1}


async def test_a_transaction_broken_under_the_batch_falls_back_to_one_record_per_transaction(engine, producer):
    """The handler of "b" kills its own database connection once: the savepoint cannot even roll
    back, the batch's transaction is lost (with "a"), and every record is processed alone."""
    killed: list[str] = []

    async def handler(message: ItemCounted, ctx: MessageContext) -> None:
        if message.item == "b" and not killed:
            killed.append("b")
            await ctx.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        await counting_handler(Switchboard())(message, ctx)

    processor = _processor(engine, producer, handler)
    outcomes = await processor.process_batch(_records("test.batch", ["a", "b", "c"]))
    assert killed == ["b"] and outcomes == [Outcome.PROCESSED] * 3
    committed = await _commits_in_order(engine)
    assert [item for item, _ in committed] == ["a", "b", "c"]
    assert len({at for _, at in committed}) == 3  # one transaction each


async def _has(engine, item: str) -> bool:
    return item in await effect_counts(engine)


async def test_a_message_the_handler_does_not_accept_is_ignored_without_an_inbox_row(engine, producer):
    """`use_case_handlers(accepts=…)`: a message of a handled type that is not for this service (a
    pure test of the message) is ignored like an unhandled type — no effect, no inbox claim — and
    its neighbours in the batch are handled as usual."""
    async def count(ctx: MessageContext, message: ItemCounted, _collaborators) -> None:  # the "transaction" is ctx
        await counting_handler(Switchboard())(message, ctx)

    [handler] = use_case_handlers({ItemCounted: count}, lambda ctx: ctx, None,
                                  accepts={ItemCounted: lambda m: not m.item.startswith("other-")}).values()
    processor = _processor(engine, producer, handler)
    records = _records("test.batch", ["a", "other-1", "b"])
    assert await processor.process_batch(records) == [Outcome.PROCESSED, Outcome.IGNORED, Outcome.PROCESSED]
    assert await effect_counts(engine) == {"a": 1, "b": 1}
    async with engine.connect() as conn:
        claimed = {row for (row,) in await conn.execute(select(inbox_table.c.message_id))}
    assert len(claimed) == 2  # the ignored message was never claimed
