from dataclasses import replace
from datetime import timedelta

import pytest

from tradeflow_cli.dlq_filter import DeadLetterFilter, select
from tradeflow_cli.dlq_records import as_dlq_topic
from tradeflow_cli.record_id import RecordId


@pytest.fixture
def records(dead_letter_record):
    return {
        "old": dead_letter_record(0, age=timedelta(days=3)),
        "cancelled": dead_letter_record(1, age=timedelta(hours=2), type_="order.cancelled", group="inventory",
                                        error_class="KeyError", error_message="'sku'"),
        "timeout": dead_letter_record(2, age=timedelta(minutes=10), group="inventory", error_class="TimeoutError",
                                      error_message="Payment gateway did not answer"),
    }


def names(records, criteria, limit=None):
    by_id = {record.id: name for name, record in records.items()}
    return [by_id[r.id] for r in select(records.values(), criteria, limit)]


def test_an_empty_filter_keeps_everything_oldest_failure_first(records):
    assert names(records, DeadLetterFilter()) == ["old", "cancelled", "timeout"]


def test_filters_by_type_header(records):
    assert names(records, DeadLetterFilter(message_type="order.placed")) == ["old", "timeout"]


def test_filters_by_consumer_group(records):
    assert names(records, DeadLetterFilter(group="inventory")) == ["cancelled", "timeout"]


@pytest.mark.parametrize(("text", "expected"), [
    ("PAYMENT", ["timeout"]), ("keyerror", ["cancelled"]), ("error", ["old", "cancelled", "timeout"]),
    ("nothing like this", []),
])
def test_filters_by_error_class_or_message_ignoring_case(records, text, expected):
    assert names(records, DeadLetterFilter(error=text)) == expected


def test_does_not_match_text_spanning_error_class_and_message(records):
    assert names(records, DeadLetterFilter(error="TimeoutError: Payment")) == []


def test_since_is_inclusive_and_until_exclusive(records, now):
    at_cancelled = now - timedelta(hours=2)
    assert names(records, DeadLetterFilter(since=at_cancelled)) == ["cancelled", "timeout"]
    assert names(records, DeadLetterFilter(until=at_cancelled)) == ["old"]


def test_filters_by_dead_letter_topic(records, dead_letter_record):
    elsewhere = replace(dead_letter_record(0), id=RecordId("payment.events.dlq", 0, 0))
    kept = select([*records.values(), elsewhere], DeadLetterFilter(dlq_topics=("payment.events.dlq",)))
    assert kept == [elsewhere]


def test_all_criteria_must_hold(records):
    assert names(records, DeadLetterFilter(message_type="order.placed", group="inventory")) == ["timeout"]


def test_a_limit_keeps_the_oldest_failures(records):
    assert names(records, DeadLetterFilter(), limit=2) == ["old", "cancelled"]


def test_knows_when_no_criterion_was_given():
    assert DeadLetterFilter().is_empty
    assert not DeadLetterFilter(group="payment").is_empty


def test_describes_only_the_criteria_given(now):
    criteria = DeadLetterFilter(dlq_topics=("order.events.dlq",), group="payment", since=now)
    assert criteria.describe() == {"topic": ["order.events.dlq"], "group": "payment", "since": "2025-06-01T12:00:00Z"}


@pytest.mark.parametrize(("given", "expected"), [("order.events", "order.events.dlq"),
                                                 ("order.events.dlq", "order.events.dlq")])
def test_a_topic_may_be_named_by_its_original_or_its_dead_letter_twin(given, expected):
    assert as_dlq_topic(given) == expected
