from datetime import timedelta

from tradeflow_contracts.deadletter import REPLAY_COUNT, REPLAY_ROOT, REPLAYED_AT, REPLAYED_FROM
from tradeflow_contracts.topics import dlq_topic


async def test_sends_the_same_key_value_and_headers_back_to_the_original_topic(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic, key="order-5", partition=1)
    [dead] = await kafka.consume(dlq_topic(original_topic), 1)
    result = await tradeflow("dlq", "replay", str(record_id), "--yes")
    assert result.exit_code == 0, result.output
    [replayed] = await kafka.consume(original_topic, 1)
    assert (replayed.key, replayed.value) == (b"order-5", dead.value)
    *kept, at = list(replayed.headers)
    assert kept == [*[(k, v) for k, v in dead.headers if not k.startswith("dlq.")],
                    (REPLAYED_FROM, str(record_id).encode()), (REPLAY_ROOT, str(record_id).encode()),
                    (REPLAY_COUNT, b"1")]
    assert at[0] == REPLAYED_AT
    assert "Replayed 1 dead letters" in result.stderr


async def test_audits_a_replay(tradeflow, kafka, original_topic, audit_topic):
    wanted = [await kafka.dead_letter(original_topic, type="order.cancelled", partition=p) for p in (0, 2)]
    await kafka.dead_letter(original_topic, type="order.placed")
    result = await tradeflow("dlq", "replay", "--topic", original_topic, "--type", "order.cancelled", "--yes")
    assert result.exit_code == 0, result.output
    [entry] = await kafka.audit_entries(audit_topic, 1)
    assert entry.pop("at").endswith("Z")
    replays = {f"{r.topic}:{r.partition}:{r.offset}" for r in await kafka.consume(original_topic, 2)}
    sent = entry.pop("sent")
    assert set(sent) == {str(i) for i in wanted} and set(sent.values()) == replays
    assert entry == {"action": "replay", "actor": "ops-test", "ids": [str(i) for i in wanted], "count": 2,
                     "filter": {"topic": [dlq_topic(original_topic)], "type": "order.cancelled"},
                     "topic": dlq_topic(original_topic)}


async def test_a_dry_run_sends_and_audits_nothing(tradeflow, kafka, original_topic, audit_topic):
    record_id = await kafka.dead_letter(original_topic)
    result = await tradeflow("dlq", "replay", "--topic", original_topic, "--dry-run")
    assert result.exit_code == 0, result.output
    assert str(record_id) in result.stdout
    assert "Dry run: 1 dead letters would be replayed; nothing was sent." in result.stderr
    assert await kafka.record_count(original_topic) == 0
    assert await kafka.record_count(audit_topic, partitions=1) == 0


async def test_asks_before_sending_and_sends_nothing_when_declined(tradeflow, kafka, original_topic, audit_topic):
    await kafka.dead_letter(original_topic)
    await kafka.dead_letter(original_topic, partition=1)
    result = await tradeflow("dlq", "replay", "--topic", original_topic, input="n\n")
    assert "Replay 2 dead letters to their original topics?" in result.stdout
    assert result.exit_code == 1
    assert await kafka.record_count(original_topic) == 0
    assert await kafka.record_count(audit_topic, partitions=1) == 0


async def test_sends_when_the_operator_confirms(tradeflow, kafka, original_topic):
    await kafka.dead_letter(original_topic, key="order-1")
    result = await tradeflow("dlq", "replay", "--topic", original_topic, input="y\n")
    assert result.exit_code == 0, result.output
    assert [r.key for r in await kafka.consume(original_topic, 1)] == [b"order-1"]


async def test_replays_only_the_ids_given(tradeflow, kafka, original_topic):
    await kafka.dead_letter(original_topic, key="order-1")
    wanted = await kafka.dead_letter(original_topic, key="order-2")
    result = await tradeflow("dlq", "replay", str(wanted), "--yes")
    assert result.exit_code == 0, result.output
    assert await kafka.record_count(original_topic) == 1
    assert [r.key for r in await kafka.consume(original_topic, 1)] == [b"order-2"]


async def test_replaying_again_is_allowed_and_noted(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic)
    assert (await tradeflow("dlq", "replay", str(record_id), "--yes")).exit_code == 0
    again = await tradeflow("dlq", "replay", str(record_id), "--yes")
    assert again.exit_code == 0, again.output
    assert "1 of these 1 were replayed before" in again.stderr
    replays = await kafka.consume(original_topic, 2)
    assert [dict(r.headers)[REPLAYED_FROM] for r in replays] == [str(record_id).encode()] * 2


async def test_refuses_to_replay_everything_without_being_told_to(tradeflow, kafka, original_topic):
    await kafka.dead_letter(original_topic)
    result = await tradeflow("dlq", "replay", "--yes")
    assert result.exit_code == 2
    assert "give IDs, a filter" in result.stderr
    assert await kafka.record_count(original_topic) == 0


async def test_all_allows_a_replay_without_filter(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic)
    result = await tradeflow("dlq", "replay", "--all", "--dry-run")
    assert result.exit_code == 0, result.output
    assert str(record_id) in result.stdout


async def test_nothing_matching_sends_nothing(tradeflow, kafka, original_topic, audit_topic):
    await kafka.dead_letter(original_topic, age=timedelta(days=2))
    result = await tradeflow("dlq", "replay", "--topic", original_topic, "--since", "1d", "--yes")
    assert result.exit_code == 0, result.output
    assert "No dead letters match" in result.stderr
    assert await kafka.record_count(audit_topic, partitions=1) == 0


async def test_an_unknown_id_is_a_clear_error(tradeflow, original_topic):
    result = await tradeflow("dlq", "replay", f"{dlq_topic(original_topic)}:0:5", "--yes")
    assert result.exit_code == 1
    assert f"no dead letter {dlq_topic(original_topic)}:0:5" in result.stderr


async def test_an_original_topic_that_is_gone_is_a_clear_error_and_nothing_is_audited(
        tradeflow, kafka, original_topic, audit_topic):
    record_id = await kafka.dead_letter(original_topic, claimed_original="test.gone-since")
    result = await tradeflow("dlq", "replay", str(record_id), "--yes")
    assert result.exit_code == 1
    assert "no such topic" in result.stderr
    assert "test.gone-since" in result.stderr
    assert await kafka.record_count(audit_topic, partitions=1) == 0
