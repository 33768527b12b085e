"""A replay that fails again, on the real broker with the kit's consumer path: the new dead
letter links to the one it was replayed from, `dlq list` marks it, `dlq show` draws the chain."""

import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.deadletter import REPLAY_COUNT, REPLAY_ROOT, REPLAYED_FROM, DeadLetter
from tradeflow_contracts.registry import ContractRegistry
from tradeflow_contracts.topics import dlq_topic
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome
from tradeflow_kit.messaging.records import ConsumedRecord


@pytest.fixture
def group() -> str:
    """The consumer group that fails on the messages, its own for each test."""
    return f"test-payment-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def failing_consumer(infra, kafka, original_topic, group):
    """Consumes the n-th record of the original topic and fails on it as a consumer that knows no
    contract does: the processor dead-letters it at once (before any database work) through the
    real dead-letter publisher. Returns the id of the new dead letter."""
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    processor = MessageProcessor(group=group, handlers={}, sessions=None, inbox=None, outbox=None,
                                 dead_letters=DeadLetterPublisher(producer), contracts=ContractRegistry())

    async def fail_on(nth: int) -> RecordId:
        record = (await kafka.consume(original_topic, nth))[nth - 1]
        assert await processor.process(ConsumedRecord.from_kafka(record)) == Outcome.DEAD_LETTERED
        replayed_from = dict(record.headers)[REPLAYED_FROM]
        dlq = dlq_topic(original_topic)  # the publisher waited for the broker's ack: the letter is there
        letters = await kafka.consume(dlq, await kafka.record_count(dlq))
        [letter] = [r for r in letters if dict(r.headers).get(REPLAYED_FROM) == replayed_from]
        return RecordId(letter.topic, letter.partition, letter.offset)

    yield fail_on
    await producer.stop()


async def commit_past(bootstrap: str, group: str, record: ConsumerRecord) -> None:
    """What a consumer of `group` does once it has handled the record without failing."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(record.topic, record.partition)
        consumer.assign([partition])
        await consumer.commit({partition: record.offset + 1})
    finally:
        await consumer.stop()


async def replay(tradeflow, record_id: RecordId) -> None:
    result = await tradeflow("dlq", "replay", str(record_id), "--yes")
    assert result.exit_code == 0, result.output


async def test_the_dead_letter_of_a_failed_replay_links_to_the_one_it_was_replayed_from(
        tradeflow, kafka, original_topic, failing_consumer, group):
    first = await kafka.dead_letter(original_topic, key="order-5")
    await replay(tradeflow, first)
    again = await failing_consumer(1)
    [record] = [r for r in await kafka.consume(dlq_topic(original_topic), 2)
                if (r.partition, r.offset) == (again.partition, again.offset)]
    headers = {k: v.decode() for k, v in record.headers}
    assert (headers[REPLAYED_FROM], headers[REPLAY_ROOT], headers[REPLAY_COUNT]) == (str(first), str(first), "1")
    letter = DeadLetter.from_headers(headers)
    assert (letter.original_topic, letter.consumer_group, letter.error_kind) == (original_topic, group, "permanent")
    assert [k for k, _ in record.headers].count(REPLAYED_FROM) == 1

    await replay(tradeflow, again)
    third = await failing_consumer(2)
    [line] = [json.loads(x) for x in (await tradeflow("dlq", "list", "--json", "--topic", original_topic)).stdout
              .splitlines() if json.loads(x)["id"] == str(third)]
    assert (line["replay_of"], line["replay_root"], line["replay_count"]) == (str(again), str(first), 2)


async def test_list_marks_a_failed_replay_with_its_first_dead_letter_and_number(
        tradeflow, kafka, original_topic, failing_consumer):
    first = await kafka.dead_letter(original_topic, key="order-5")
    await replay(tradeflow, first)
    again = await failing_consumer(1)
    result = await tradeflow("dlq", "list", "--topic", original_topic, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if line.startswith(f"{again} ")]
    assert f"#1 of {first.partition}:{first.offset}" in row
    [row] = [line for line in result.stdout.splitlines() if line.startswith(f"{first} ")]
    assert "replayed" in row


async def test_show_draws_the_chain_both_ways_with_each_replays_fate(
        tradeflow, kafka, original_topic, failing_consumer, group):
    first = await kafka.dead_letter(original_topic, key="order-5")
    await replay(tradeflow, first)
    again = await failing_consumer(1)
    await replay(tradeflow, again)
    third = await failing_consumer(2)
    await replay(tradeflow, third)  # nobody fails on this one

    shown = await tradeflow("dlq", "show", str(again))
    assert shown.exit_code == 0, shown.output
    tree = shown.stdout[shown.stdout.index("Replay history"):].splitlines()
    assert f"{first} " in tree[1] and "(first failure)" in tree[1]
    assert tree[2].startswith("    └── replayed ")
    assert f"dead again as {again} " in tree[2] and "◀ this one" in tree[2]
    assert tree[3].startswith("        └── replayed ") and f"dead again as {third} " in tree[3]
    assert tree[4].startswith("            └── replayed ") and f"not consumed by {group} yet" in tree[4]
    assert all("by ops-test" in line for line in tree[2:5])

    from_the_first = await tradeflow("dlq", "show", str(first))
    same_tree = from_the_first.stdout[from_the_first.stdout.index("Replay history"):].splitlines()
    assert "◀ this one" in same_tree[1] and "◀ this one" not in same_tree[2]
    assert [line.replace(" ◀ this one", "") for line in same_tree[1:5]] == [
        line.replace(" ◀ this one", "") for line in tree[1:5]]


async def test_a_raw_copy_of_a_dead_letter_that_fails_gets_one_set_of_dlq_headers(
        tradeflow, kafka, original_topic, failing_consumer):
    first = await kafka.dead_letter(original_topic, key="order-5")
    [dead] = await kafka.consume(dlq_topic(original_topic), 1)
    replay_headers = [*dead.headers, (REPLAYED_FROM, str(first).encode())]  # as a hand-made replay (kcat) would
    await kafka.send(original_topic, dead.value, dead.key, replay_headers, partition=1)
    again = await failing_consumer(1)
    [record] = [r for r in await kafka.consume(dlq_topic(original_topic), 2)
                if (r.partition, r.offset) == (again.partition, again.offset)]
    names = [k for k, _ in record.headers if k.startswith("dlq.")]
    assert len(names) == len(set(names))
    assert dict(record.headers)["dlq.original.partition"] == b"1"
    shown = await tradeflow("dlq", "show", str(again))
    assert f"dead again as {again}" in shown.stdout


async def test_show_tells_a_replay_the_failing_group_consumed_from_one_it_has_not_yet(
        tradeflow, kafka, infra, original_topic, group):
    first = await kafka.dead_letter(original_topic, key="order-5", group=group)
    await replay(tradeflow, first)
    [handled] = await kafka.consume(original_topic, 1)
    await commit_past(infra.kafka_bootstrap, group, handled)
    await replay(tradeflow, first)
    shown = await tradeflow("dlq", "show", str(first))
    assert shown.exit_code == 0, shown.output
    tree = shown.stdout[shown.stdout.index("Replay history"):].splitlines()
    assert f"succeeded: consumed by {group} without a new dead letter" in tree[2]
    assert f"not consumed by {group} yet" in tree[3]
