import pytest

from tradeflow_cli.record_id import RecordId


def test_parses_topic_partition_and_offset():
    assert RecordId.parse("order.events.dlq:2:41") == RecordId("order.events.dlq", 2, 41)


def test_prints_as_it_is_parsed():
    assert str(RecordId.parse(" after-sales.commands.dlq:0:7 ")) == "after-sales.commands.dlq:0:7"


@pytest.mark.parametrize("text", [
    "order.events:2:41",         # not a dead-letter topic
    "order.events.dlq:2",        # no offset
    "order.events.dlq:x:41",     # partition not a number
    "order.events.dlq:2:-1",     # negative offset
    "order.events.dlq:²:41",     # a digit, but not an ASCII one
    "",
])
def test_rejects_what_is_not_a_dead_letter_id(text):
    with pytest.raises(ValueError, match="not a dead-letter id"):
        RecordId.parse(text)


def test_orders_by_topic_partition_then_offset():
    ids = [RecordId("b.dlq", 0, 1), RecordId("a.dlq", 1, 0), RecordId("a.dlq", 0, 9)]
    assert sorted(ids) == [RecordId("a.dlq", 0, 9), RecordId("a.dlq", 1, 0), RecordId("b.dlq", 0, 1)]
