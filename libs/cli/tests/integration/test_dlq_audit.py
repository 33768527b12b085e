import json


async def test_lists_replays_and_purges_latest_last(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic)
    assert (await tradeflow("dlq", "replay", str(record_id), "--yes", "--actor", "ops-anna")).exit_code == 0
    assert (await tradeflow("dlq", "purge", "--topic", original_topic + ".dlq", "--yes")).exit_code == 0
    result = await tradeflow("dlq", "audit", "--json")
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["action"], e["actor"], e["ids"]) for e in entries] == [
        ("replay", "ops-anna", [str(record_id)]), ("purge", "ops-test", [str(record_id)])]


async def test_the_table_shows_who_did_what(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic)
    assert (await tradeflow("dlq", "replay", str(record_id), "--yes")).exit_code == 0
    result = await tradeflow("dlq", "audit")
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if str(record_id) in line]
    assert ["replay", "ops-test", f"{original_topic}.dlq", "1"] == [c.strip() for c in row.split("│")][2:6]


async def test_a_limit_keeps_the_latest_entries(tradeflow, kafka, original_topic):
    first, second = await kafka.dead_letter(original_topic), await kafka.dead_letter(original_topic)
    for record_id in (first, second):
        assert (await tradeflow("dlq", "replay", str(record_id), "--yes")).exit_code == 0
    result = await tradeflow("dlq", "audit", "--json", "--limit", "1")
    assert [json.loads(line)["ids"] for line in result.stdout.splitlines()] == [[str(second)]]
