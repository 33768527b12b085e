import json
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_cli.time_parsing import rfc3339
from tradeflow_contracts.topics import dlq_topic


@pytest.fixture
async def failures(kafka, original_topic):
    """Three dead letters, oldest first, by name."""
    return {
        "old": await kafka.dead_letter(original_topic, age=timedelta(days=3)),
        "cancelled": await kafka.dead_letter(original_topic, age=timedelta(hours=2), type="order.cancelled",
                                             group="inventory", error_class="KeyError", error_message="'sku'",
                                             key="order-2", partition=1),
        "timeout": await kafka.dead_letter(original_topic, age=timedelta(minutes=10), group="inventory",
                                           error_class="TimeoutError", error_message="Payment gateway did not answer",
                                           key="order-3", partition=2),
    }


@pytest.mark.parametrize(("options", "expected"), [
    ([], ["old", "cancelled", "timeout"]),
    (["--type", "order.placed"], ["old", "timeout"]),
    (["--error", "PAYMENT gateway"], ["timeout"]),
    (["--error", "keyerror"], ["cancelled"]),
    (["--group", "inventory"], ["cancelled", "timeout"]),
    (["--since", "1d"], ["cancelled", "timeout"]),
    (["--until", "1h"], ["old", "cancelled"]),
    (["--type", "order.placed", "--group", "inventory"], ["timeout"]),
    (["--limit", "2"], ["old", "cancelled"]),
])
async def test_lists_the_dead_letters_each_filter_selects(tradeflow, original_topic, failures, options, expected):
    listed = await tradeflow.listed_ids("--topic", original_topic, *options)
    assert listed == [str(failures[name]) for name in expected]


async def test_takes_rfc3339_times(tradeflow, original_topic, failures):
    now = datetime.now(UTC)
    since, until = rfc3339(now - timedelta(days=1)), rfc3339(now - timedelta(hours=1))
    listed = await tradeflow.listed_ids("--topic", original_topic, "--since", since, "--until", until)
    assert listed == [str(failures["cancelled"])]


async def test_the_topic_may_be_named_by_its_dead_letter_twin(tradeflow, original_topic, failures):
    assert len(await tradeflow.listed_ids("--topic", dlq_topic(original_topic))) == 3


async def test_without_a_topic_reads_every_dead_letter_topic(tradeflow, kafka, original_topic):
    marker = f"test.marker.{original_topic}"
    record_id = await kafka.dead_letter(original_topic, type=marker)
    assert await tradeflow.listed_ids("--type", marker) == [str(record_id)]


async def test_json_lines_carry_the_failure(tradeflow, original_topic, failures):
    result = await tradeflow("dlq", "list", "--json", "--topic", original_topic, "--type", "order.cancelled")
    [line] = result.stdout.splitlines()
    listed = json.loads(line)
    assert listed | {"first_failure": None, "last_failure": None} == {
        "id": str(failures["cancelled"]), "original_topic": original_topic, "original_partition": 1,
        "original_offset": 17, "type": "order.cancelled", "key": "order-2", "consumer_group": "inventory",
        "error_class": "KeyError", "error_message": "'sku'", "error_kind": "permanent", "attempts": 3,
        "first_failure": None, "last_failure": None, "replayed": False,
    }


async def test_the_table_shows_each_dead_letter_and_whether_it_was_replayed(tradeflow, original_topic, failures):
    replayed = await tradeflow("dlq", "replay", str(failures["old"]), "--yes")
    assert replayed.exit_code == 0, replayed.output
    result = await tradeflow("dlq", "list", "--topic", original_topic)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert set(rows) == {str(record_id) for record_id in failures.values()}
    cancelled = rows[str(failures["cancelled"])]
    assert [cancelled[h] for h in ("Tries", "Type", "Group", "Key", "Error")] == [
        "3", "order.cancelled", "inventory", "order-2", "KeyError: 'sku'"]
    assert [rows[str(failures[name])]["Replays"] for name in ("old", "cancelled", "timeout")] == ["replayed", "–", "–"]


@pytest.mark.parametrize("columns", ["80", "160"])
async def test_the_table_fits_the_terminal_with_whole_ids(tradeflow, original_topic, failures, columns):
    result = await tradeflow("dlq", "list", "--topic", original_topic, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
    rows = table_rows(result.stdout)
    assert set(rows) == {str(record_id) for record_id in failures.values()}
    assert rows[str(failures["timeout"])]["Error"].startswith("TimeoutError: Payment")


def table_rows(stdout: str) -> dict[str, dict[str, str]]:
    """Each row's first line by column header, keyed by ID."""
    lines = stdout.splitlines()
    header = lines[0]
    names = [h for h in ("ID", "Failed", "Last failure (UTC)", "Tries", "Type", "Key", "Group", "Original topic",
                         "Replays", "Error") if f"{h} " in header + " "]
    starts = sorted((header.index(h), h) for h in names)
    bounds = [(name, start, end) for (start, name), (end, _) in zip(starts, [*starts[1:], (None, "")], strict=True)]
    rows = [{name: line[start:end].strip() for name, start, end in bounds} for line in lines[2:]]
    return {row["ID"]: row for row in rows if row["ID"]}


async def test_says_when_the_limit_hides_dead_letters(tradeflow, original_topic, failures):
    result = await tradeflow("dlq", "list", "--topic", original_topic, "--limit", "1")
    assert "Showing 1 of 3 matching dead letters" in result.stderr


async def test_leaves_out_records_without_dlq_headers_and_says_so(tradeflow, kafka, original_topic, failures):
    await kafka.send(dlq_topic(original_topic), b"{}", b"order-9", [("type", b"order.placed")], partition=1)
    result = await tradeflow("dlq", "list", "--json", "--topic", original_topic)
    assert len(result.stdout.splitlines()) == 3
    assert f"Left out 1 records without valid dlq.* headers ({dlq_topic(original_topic)}:1:1" in result.stderr


async def test_an_unknown_topic_is_a_clear_error(tradeflow):
    result = await tradeflow("dlq", "list", "--topic", "test.does-not-exist")
    assert result.exit_code == 1
    assert "no such topic" in result.stderr
    assert "test.does-not-exist.dlq" in result.stderr
