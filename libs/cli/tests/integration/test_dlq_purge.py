from datetime import timedelta

import pytest

from tradeflow_contracts.topics import dlq_topic


@pytest.fixture
async def aged(kafka, original_topic):
    """Partition 0: 5d, 4d, 1h, 6d old; partition 1: 3d; partition 2: 10m."""
    ages = [(0, timedelta(days=5)), (0, timedelta(days=4)), (0, timedelta(hours=1)), (0, timedelta(days=6)),
            (1, timedelta(days=3)), (2, timedelta(minutes=10))]
    return [await kafka.dead_letter(original_topic, partition=p, age=age) for p, age in ages]


async def test_deletes_each_partition_up_to_its_first_record_to_keep(tradeflow, kafka, original_topic, aged):
    result = await tradeflow("dlq", "purge", "--topic", dlq_topic(original_topic), "--before", "1d", "--yes")
    assert result.exit_code == 0, result.output
    assert "Purged 3 records" in result.stderr
    assert await kafka.offsets(dlq_topic(original_topic)) == {0: (2, 4), 1: (1, 1), 2: (0, 1)}
    remaining = await tradeflow.listed_ids("--topic", original_topic)
    assert sorted(remaining) == sorted(str(i) for i in (aged[2], aged[3], aged[5]))


async def test_shows_what_would_go_and_deletes_nothing_when_declined(tradeflow, kafka, original_topic, aged):
    result = await tradeflow("dlq", "purge", "--topic", dlq_topic(original_topic), "--before", "1d", input="n\n")
    assert result.exit_code == 1
    assert "Delete 3 records from" in result.stdout
    for going in (aged[0], aged[1], aged[4]):
        assert str(going) in result.stdout
    assert str(aged[3]) not in result.stdout
    assert await kafka.record_count(dlq_topic(original_topic)) == 6


async def test_without_a_time_purges_everything(tradeflow, kafka, original_topic, aged):
    result = await tradeflow("dlq", "purge", "--topic", dlq_topic(original_topic), input="y\n")
    assert result.exit_code == 0, result.output
    assert await kafka.offsets(dlq_topic(original_topic)) == {0: (4, 4), 1: (1, 1), 2: (1, 1)}


async def test_audits_a_purge(tradeflow, kafka, original_topic, audit_topic, aged):
    result = await tradeflow("dlq", "purge", "--topic", dlq_topic(original_topic), "--before", "2025-01-01T00:00:00Z",
                             "--yes")
    assert "Nothing to purge" in result.stderr
    result = await tradeflow("dlq", "purge", "--topic", dlq_topic(original_topic), "--before", "2d", "--yes")
    assert result.exit_code == 0, result.output
    [entry] = await kafka.audit_entries(audit_topic, 1)
    assert entry["filter"]["before"].endswith("Z")
    assert {k: v for k, v in entry.items() if k not in ("at", "filter")} == {
        "action": "purge", "actor": "ops-test", "ids": [str(aged[0]), str(aged[1]), str(aged[4])], "count": 3,
        "topic": dlq_topic(original_topic),
    }


async def test_refuses_a_topic_that_is_not_a_dead_letter_topic(tradeflow, kafka, original_topic):
    await kafka.send(original_topic, b"{}", b"order-1", [])
    result = await tradeflow("dlq", "purge", "--topic", original_topic, "--yes")
    assert result.exit_code == 2
    assert "purge only deletes from dead-letter topics" in result.stderr
    assert await kafka.record_count(original_topic) == 1
