"""Consuming on the real broker, one record per transaction and in batches: redelivery has no
second effect, poison messages go to the dead-letter topic with their metadata without stopping
the partition, replay works once, and records for other consumers are committed past."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from typer.testing import CliRunner

from tradeflow_cli.main import app as cli
from tradeflow_contracts.deadletter import ATTEMPTS, CONSUMER_GROUP, DeadLetter
from tradeflow_contracts.envelope import new_envelope
from tradeflow_kit.db import session_factory
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, RetryPolicy
from tradeflow_kit.messaging.subscriptions import subscribe
from tradeflow_testing.polling import eventually, poll_until
from tradeflow_testing.topics import partitions_of

from .conftest import read_all
from .messaging_support import (
    ItemCounted,
    ItemElsewhere,
    RuleRefused,
    Switchboard,
    counting_handler,
    effect_counts,
    effects_per_message,
    inbox_table,
    outbox_table,
    test_contracts,
)


def _envelope(item: str):
    return new_envelope(ItemCounted.TYPE, 1, {"item": item}, producer="test", correlation_id="corr-1")


@pytest.fixture
def switches():
    return Switchboard()


@pytest.fixture(params=[1, 50], ids=["one-per-transaction", "batched"])
async def consuming(infra, engine, producer, switches, request):
    """Start a consumer group on a topic with the counting handler, taking up to 1 or 50 records
    per transaction; yields (start, group)."""
    brokers: list[KafkaBroker] = []
    group = f"test-consumer-{uuid.uuid4().hex[:6]}"

    async def start(topic: str) -> None:
        broker = KafkaBroker(infra.kafka_bootstrap)
        processor = MessageProcessor(
            group=group, handlers={ItemCounted: counting_handler(switches)}, sessions=session_factory(engine),
            inbox=inbox_table, outbox=Outbox(outbox_table, "test"), dead_letters=DeadLetterPublisher(producer),
            retry=RetryPolicy(max_attempts=3, base_delay=0.05), contracts=test_contracts, domain_errors=(RuleRefused,))
        subscribe(broker, processor, topic, max_records=request.param)
        await broker.start()
        brokers.append(broker)

    yield start, group
    for broker in brokers:
        await broker.stop()


async def _send(producer, topic: str, envelope, key: str = "order-1") -> None:
    await producer.send_and_wait(topic, envelope.to_bytes(), key=key.encode(), headers=envelope.headers())


async def test_the_same_message_delivered_twice_has_one_effect(consuming, producer, engine, topic_with_dlq):
    start, _ = consuming
    twice, marker = _envelope("twice"), _envelope("marker")
    await _send(producer, topic_with_dlq, twice)
    await _send(producer, topic_with_dlq, twice)
    await _send(producer, topic_with_dlq, marker)
    await start(topic_with_dlq)
    await eventually(lambda: _has(engine, "marker"), what="all three deliveries consumed")
    assert (await effects_per_message(engine))[twice.message_id] == 1


async def test_poison_message_is_dead_lettered_and_replayed_once_after_the_fix(
        consuming, producer, engine, infra, switches, topic_with_dlq, new_topic):
    start, group = consuming
    switches.broken_items.add("poison")
    before, poison, after = _envelope("before"), _envelope("poison"), _envelope("after")
    for envelope in (before, poison, after):
        await _send(producer, topic_with_dlq, envelope)  # one key: one partition, in this order
    await start(topic_with_dlq)

    await eventually(lambda: _has(engine, "after"), what="the message behind the poison")
    [letter] = await read_all(infra.kafka_bootstrap, topic_with_dlq + ".dlq", expected=1)
    headers = {k: v.decode() for k, v in letter.headers}
    meta = DeadLetter.from_headers(headers)
    assert (meta.original_topic, meta.error_kind, meta.attempts) == (topic_with_dlq, "retries-exhausted", 3)
    assert meta.error_class == "builtins.RuntimeError" and "cannot count poison" in meta.error_message
    assert headers[CONSUMER_GROUP] == group and headers[ATTEMPTS] == "3"
    assert meta.first_failure <= meta.last_failure
    assert letter.key == b"order-1" and letter.value == poison.to_bytes()
    assert "poison" not in await effect_counts(engine)  # the failed attempts left nothing behind

    switches.broken_items.clear()  # the bug is fixed: ops replay it with the CLI, twice (harmless)
    audit_topic = await new_topic(partitions=1)
    letter_id = f"{letter.topic}:{letter.partition}:{letter.offset}"
    for _ in range(2):
        result = await asyncio.to_thread(CliRunner().invoke, cli, [
            "dlq", "replay", letter_id, "--yes", "--bootstrap", infra.kafka_bootstrap, "--audit-topic", audit_topic])
        assert result.exit_code == 0, result.output
    marker = _envelope("marker")
    await _send(producer, topic_with_dlq, marker)
    await eventually(lambda: _has(engine, "marker"), what="replays consumed")
    assert await effect_counts(engine) == {"before": 1, "poison": 1, "after": 1, "marker": 1}


async def test_a_database_outage_longer_than_the_retries_is_waited_out_not_dead_lettered(
        consuming, producer, engine, infra, switches, topic_with_dlq):
    start, _ = consuming
    switches.outages["patient"] = 5  # more failed attempts than the policy's 3 retries
    await _send(producer, topic_with_dlq, _envelope("patient"))
    await _send(producer, topic_with_dlq, _envelope("behind"))
    await start(topic_with_dlq)
    await eventually(lambda: _has(engine, "behind"), what="the record behind the outage")
    assert (await effect_counts(engine))["patient"] == 1 and switches.outages["patient"] == 0
    assert await _records_in(infra.kafka_bootstrap, topic_with_dlq + ".dlq") == 0  # written before "behind"


async def test_a_record_awaiting_facts_waits_past_its_retries_for_them(
        consuming, producer, engine, infra, switches, topic_with_dlq):
    start, _ = consuming
    switches.awaiting["late"] = 5  # more failed attempts than the policy's 3 retries, within its patience
    await _send(producer, topic_with_dlq, _envelope("late"))
    await _send(producer, topic_with_dlq, _envelope("behind"))
    await start(topic_with_dlq)
    await eventually(lambda: _has(engine, "behind"), what="the record behind the one awaiting its facts")
    assert (await effect_counts(engine))["late"] == 1 and switches.awaiting["late"] == 0
    assert await _records_in(infra.kafka_bootstrap, topic_with_dlq + ".dlq") == 0


async def _records_in(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return sum((await consumer.end_offsets(await partitions_of(bootstrap, [topic]))).values())
    finally:
        await consumer.stop()


async def test_unknown_and_malformed_messages_go_to_the_dlq_at_once(consuming, producer, engine, infra, topic_with_dlq):
    start, _ = consuming
    unknown = new_envelope("test.never-heard-of", 1, {}, producer="test", correlation_id="c")
    await _send(producer, topic_with_dlq, unknown)
    await producer.send_and_wait(topic_with_dlq, b"{not json", key=b"order-1")
    await _send(producer, topic_with_dlq, _envelope("marker"))
    await start(topic_with_dlq)
    await eventually(lambda: _has(engine, "marker"), what="the message behind them")
    letters = await read_all(infra.kafka_bootstrap, topic_with_dlq + ".dlq", expected=2)
    metas = [DeadLetter.from_headers({k: v.decode() for k, v in r.headers}) for r in letters]
    assert all(m.error_kind == "permanent" and m.attempts == 1 for m in metas)
    assert {m.error_class.rsplit(".", 1)[-1] for m in metas} == {"UnknownMessageType", "MalformedMessage"}


async def test_a_domain_error_is_dead_lettered_at_once_with_its_reason(
        consuming, producer, engine, infra, switches, topic_with_dlq):
    start, _ = consuming
    switches.refused_items.add("refused")
    await _send(producer, topic_with_dlq, _envelope("refused"))
    await _send(producer, topic_with_dlq, _envelope("marker"))
    await start(topic_with_dlq)
    await eventually(lambda: _has(engine, "marker"), what="the message behind the refused one")
    [letter] = await read_all(infra.kafka_bootstrap, topic_with_dlq + ".dlq", expected=1)
    meta = DeadLetter.from_headers({k: v.decode() for k, v in letter.headers})
    assert (meta.error_kind, meta.attempts) == ("permanent", 1)  # not retried: the rule refuses every time
    assert meta.error_class.endswith("RuleRefused") and "refused may not be counted" in meta.error_message
    assert "refused" not in await effect_counts(engine)


async def _has(engine, item: str) -> bool:
    return item in await effect_counts(engine)


async def test_records_for_other_consumers_are_skipped_and_committed_past(consuming, producer, engine, infra,
                                                                          topic_with_dlq):
    """Records whose headers name a contract the group has no handler for are ignored unread; the
    group's committed offsets pass them all the same (a restarted consumer does not read them again)."""
    start, group = consuming
    for n in range(6):  # keys spread them over the partitions
        other = new_envelope(ItemElsewhere.TYPE, 1, {"item": f"x{n}"}, producer="test", correlation_id=f"c{n}")
        await _send(producer, topic_with_dlq, other, key=f"order-{n}")
    await _send(producer, topic_with_dlq, _envelope("marker"))
    await start(topic_with_dlq)
    end = await _records_in(infra.kafka_bootstrap, topic_with_dlq)
    await poll_until(lambda: _committed(infra.kafka_bootstrap, group, topic_with_dlq), lambda n: n == end,
                     what=f"{group}'s offsets committed to the end of {topic_with_dlq} ({end})")
    assert await effect_counts(engine) == {"marker": 1}
    assert await _records_in(infra.kafka_bootstrap, topic_with_dlq + ".dlq") == 0


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)
