from tradeflow_contracts.topics import dlq_topic


async def test_shows_the_failure_the_original_headers_key_and_value(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic, key="order-7", group="inventory", error_class="KeyError",
                                        error_message="'sku' is missing")
    result = await tradeflow("dlq", "show", str(record_id))
    assert result.exit_code == 0, result.output
    for expected in (f"Dead letter {record_id}", "order-7", "dlq.consumer.group", "inventory", "dlq.error.class",
                     "KeyError", "'sku' is missing", "dlq.attempts", "dlq.last.failure", "dlq.original.topic",
                     "Original headers", "traceparent", "00-0af7651916cd43dd8448eb211c80319c", "Never replayed."):
        assert expected in result.stdout
    assert '  "type": "order.placed",' in result.stdout  # the value, pretty-printed
    assert '    "order_id": "order-7"' in result.stdout


async def test_shows_a_value_that_is_not_json_as_text(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic, value=b"not json at all")
    result = await tradeflow("dlq", "show", str(record_id))
    assert result.exit_code == 0, result.output
    assert "not json at all" in result.stdout


async def test_shows_each_replay_of_the_record(tradeflow, kafka, original_topic):
    record_id = await kafka.dead_letter(original_topic)
    for _ in range(2):
        assert (await tradeflow("dlq", "replay", str(record_id), "--yes")).exit_code == 0
    result = await tradeflow("dlq", "show", str(record_id))
    assert "Replay history" in result.stdout
    assert result.stdout.count("ops-test") == 2
    assert "Never replayed." not in result.stdout


async def test_an_offset_the_topic_does_not_hold_is_a_clear_error(tradeflow, original_topic):
    result = await tradeflow("dlq", "show", f"{dlq_topic(original_topic)}:0:99")
    assert result.exit_code == 1
    assert f"no record {dlq_topic(original_topic)}:0:99" in result.stderr


async def test_a_partition_the_topic_does_not_have_is_a_clear_error(tradeflow, original_topic):
    result = await tradeflow("dlq", "show", f"{dlq_topic(original_topic)}:7:0")
    assert result.exit_code == 1
    assert "has no partition 7" in result.stderr

