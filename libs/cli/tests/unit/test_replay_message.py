from datetime import UTC, datetime

from tradeflow_cli.dlq_replay import replay_message
from tradeflow_contracts.deadletter import REPLAY_COUNT, REPLAY_ROOT, REPLAYED_AT, REPLAYED_FROM, ReplayLink

AT = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)


def test_goes_back_to_the_original_topic_with_the_same_key_and_value(dead_letter_record):
    record = dead_letter_record(7, key=b"order-9", value=b'{"message_id": "m-9"}')
    message = replay_message(record, AT)
    assert (message.topic, message.key, message.value) == ("order.events", b"order-9", b'{"message_id": "m-9"}')


def test_carries_the_original_headers_and_where_it_was_replayed_from(dead_letter_record):
    record = dead_letter_record(7, extra_headers=(("traceparent", b"00-abc-def-01"),))
    assert replay_message(record, AT).headers == [
        ("message_id", b"m-1"), ("type", b"order.placed"), ("traceparent", b"00-abc-def-01"),
        (REPLAYED_FROM, b"order.events.dlq:0:7"), (REPLAY_ROOT, b"order.events.dlq:0:7"), (REPLAY_COUNT, b"1"),
        (REPLAYED_AT, AT.isoformat().encode()),
    ]


def test_a_replay_of_a_replay_links_to_its_parent_and_keeps_the_first_dead_letter_of_the_chain(dead_letter_record):
    earlier = ReplayLink("order.events.dlq:0:3", "order.events.dlq:0:1", 2, AT)
    headers = replay_message(dead_letter_record(7, replay=earlier), AT).headers
    links = [(k, v) for k, v in headers if k.startswith("dlq.")]
    assert links == [(REPLAYED_FROM, b"order.events.dlq:0:7"), (REPLAY_ROOT, b"order.events.dlq:0:1"),
                     (REPLAY_COUNT, b"3"), (REPLAYED_AT, AT.isoformat().encode())]


def test_keeps_a_missing_key_missing(dead_letter_record):
    assert replay_message(dead_letter_record(key=None), AT).key is None
