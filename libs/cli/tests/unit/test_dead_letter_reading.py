from datetime import UTC, datetime

from aiokafka import ConsumerRecord

from tradeflow_cli.dlq_records import DeadLetterRecord, UnreadableRecord, to_dead_letter
from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.deadletter import DeadLetter

FAILED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def consumer_record(headers, offset=4):
    return ConsumerRecord(topic="order.events.dlq", partition=1, offset=offset, timestamp=1_748_779_200_000,
                          timestamp_type=0, key=b"order-1", value=b"{}", checksum=None, serialized_key_size=7,
                          serialized_value_size=2, headers=headers)


def dead_letter(**changes):
    fields = dict(original_topic="order.events", original_partition=1, original_offset=40, consumer_group="payment",
                  error_class="ValueError", error_message="bad", error_kind="permanent", attempts=3,
                  first_failure=FAILED, last_failure=FAILED)
    return DeadLetter(**(fields | changes))


def test_reads_the_failure_from_the_dlq_headers():
    read = to_dead_letter(consumer_record([("type", b"order.placed"), *dead_letter().headers()]))
    assert isinstance(read, DeadLetterRecord)
    assert read.id == RecordId("order.events.dlq", 1, 4)
    assert read.dead_letter == dead_letter()
    assert read.message_type == "order.placed"
    assert read.original_headers() == [("type", b"order.placed")]


def test_failure_times_without_offset_are_utc():
    naive = FAILED.replace(tzinfo=None)
    read = to_dead_letter(consumer_record(dead_letter(first_failure=naive, last_failure=naive).headers()))
    assert read.dead_letter.last_failure == FAILED


def test_a_record_without_dlq_headers_is_unreadable_and_dated_by_its_timestamp():
    read = to_dead_letter(consumer_record([("type", b"order.placed")]))
    assert read == UnreadableRecord(RecordId("order.events.dlq", 1, 4), datetime(2025, 6, 1, 12, 0, tzinfo=UTC))


def test_a_record_with_a_malformed_dlq_header_is_unreadable():
    headers = [(k, b"many" if k == "dlq.attempts" else v) for k, v in dead_letter().headers()]
    assert isinstance(to_dead_letter(consumer_record(headers)), UnreadableRecord)
