from tradeflow_cli.dlq_replay import replay_message
from tradeflow_contracts.deadletter import REPLAYED_FROM


def test_goes_back_to_the_original_topic_with_the_same_key_and_value(dead_letter_record):
    record = dead_letter_record(7, key=b"order-9", value=b'{"message_id": "m-9"}')
    message = replay_message(record)
    assert (message.topic, message.key, message.value) == ("order.events", b"order-9", b'{"message_id": "m-9"}')


def test_carries_the_original_headers_and_where_it_was_replayed_from(dead_letter_record):
    record = dead_letter_record(7, extra_headers=(("traceparent", b"00-abc-def-01"),))
    assert replay_message(record).headers == [
        ("message_id", b"m-1"), ("type", b"order.placed"), ("traceparent", b"00-abc-def-01"),
        (REPLAYED_FROM, b"order.events.dlq:0:7"),
    ]


def test_drops_the_mark_of_an_earlier_replay(dead_letter_record):
    record = dead_letter_record(7, extra_headers=((REPLAYED_FROM, b"order.events.dlq:0:1"),))
    assert [v for k, v in replay_message(record).headers if k == REPLAYED_FROM] == [b"order.events.dlq:0:7"]


def test_keeps_a_missing_key_missing(dead_letter_record):
    assert replay_message(dead_letter_record(key=None)).key is None
