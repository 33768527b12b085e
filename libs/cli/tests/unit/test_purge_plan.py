from datetime import UTC, datetime, timedelta

from aiokafka import TopicPartition

from tradeflow_cli.dlq_purge import plan_from_snapshot, plan_purge
from tradeflow_cli.dlq_records import DeadLetterSnapshot, UnreadableRecord
from tradeflow_cli.record_id import RecordId

TOPIC = "order.events.dlq"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def failures(partition, *days_ago, first_offset=0):
    return [(RecordId(TOPIC, partition, first_offset + i), NOW - timedelta(days=d)) for i, d in enumerate(days_ago)]


def test_without_a_time_everything_goes_up_to_the_end_offsets():
    plan = plan_purge(TOPIC, failures(0, 3, 2) + failures(1, 1, first_offset=5), {0: 2, 1: 6, 2: 0}, before=None)
    assert plan.cutoffs == {0: 2, 1: 6}
    assert plan.doomed == [RecordId(TOPIC, 0, 0), RecordId(TOPIC, 0, 1), RecordId(TOPIC, 1, 5)]


def test_cuts_each_partition_at_its_first_record_to_keep():
    plan = plan_purge(TOPIC, failures(0, 5, 4, 0.1, 6) + failures(1, 3), {0: 4, 1: 1}, before=NOW - timedelta(days=1))
    assert plan.cutoffs == {0: 2, 1: 1}
    assert plan.doomed == [RecordId(TOPIC, 0, 0), RecordId(TOPIC, 0, 1), RecordId(TOPIC, 1, 0)]


def test_a_record_failed_exactly_at_the_cutoff_is_kept():
    plan = plan_purge(TOPIC, failures(0, 2, 1), {0: 2}, before=NOW - timedelta(days=1))
    assert plan.doomed == [RecordId(TOPIC, 0, 0)]


def test_leaves_a_partition_alone_when_its_first_record_is_kept():
    plan = plan_purge(TOPIC, failures(0, 0.5, 9), {0: 2}, before=NOW - timedelta(days=1))
    assert plan.cutoffs == {}
    assert plan.is_empty


def test_records_without_dlq_headers_count_by_when_they_were_written(dead_letter_record):
    snapshot = DeadLetterSnapshot(
        records=[dead_letter_record(1, age=timedelta(days=3))],
        unreadable=[UnreadableRecord(RecordId(TOPIC, 0, 0), NOW - timedelta(days=4)),
                    UnreadableRecord(RecordId(TOPIC, 0, 2), NOW)],
        end_offsets={TopicPartition(TOPIC, 0): 3, TopicPartition("other.dlq", 0): 9})
    plan = plan_from_snapshot(TOPIC, snapshot, before=NOW - timedelta(days=1))
    assert plan.cutoffs == {0: 2}
    assert plan.doomed == [RecordId(TOPIC, 0, 0), RecordId(TOPIC, 0, 1)]
