import json
from datetime import UTC, datetime

import pytest

from tradeflow_cli.audit import AuditEntry, replay_history, replayed_ids

AT = datetime(2025, 6, 1, 12, 0, 5, tzinfo=UTC)


def entry(action="replay", ids=("order.events.dlq:0:1",), at=AT):
    return AuditEntry(action=action, actor="ops-anna", at=at, ids=ids, topic="order.events.dlq",
                      filter={"type": "order.placed"})


def test_is_written_as_the_agreed_json_record():
    assert json.loads(entry(ids=("order.events.dlq:0:1", "order.events.dlq:2:5")).to_json()) == {
        "action": "replay", "actor": "ops-anna", "at": "2025-06-01T12:00:05Z",
        "ids": ["order.events.dlq:0:1", "order.events.dlq:2:5"], "count": 2,
        "filter": {"type": "order.placed"}, "topic": "order.events.dlq",
    }


def test_reads_back_what_it_wrote():
    written = entry()
    assert AuditEntry.from_json(written.to_json()) == written


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"action": "replay"}'])
def test_refuses_records_that_are_not_audit_entries(raw):
    with pytest.raises((ValueError, KeyError, TypeError)):
        AuditEntry.from_json(raw)


def test_only_replays_mark_records_as_replayed():
    entries = [entry(ids=("a.dlq:0:1",)), entry(action="purge", ids=("a.dlq:0:2",)), entry(ids=("a.dlq:0:3",))]
    assert replayed_ids(entries) == {"a.dlq:0:1", "a.dlq:0:3"}


def test_the_replay_history_of_a_record_lists_each_replay_of_it():
    first, second = entry(ids=("a.dlq:0:1", "a.dlq:0:2")), entry(ids=("a.dlq:0:1",))
    assert replay_history([first, entry(ids=("a.dlq:0:2",)), second], "a.dlq:0:1") == [first, second]


def test_a_replay_records_where_each_record_went_and_reads_it_back():
    written = AuditEntry("replay", "ops", AT, ("order.events.dlq:0:1",), "order.events.dlq",
                         sent={"order.events.dlq:0:1": "order.events:4:17"})
    assert json.loads(written.to_json())["sent"] == {"order.events.dlq:0:1": "order.events:4:17"}
    assert AuditEntry.from_json(written.to_json()) == written
    assert written.sent_to("order.events.dlq:0:1") == ("order.events", 4, 17)
    assert written.sent_to("order.events.dlq:0:2") is None
    assert entry().sent_to("order.events.dlq:0:1") is None  # an entry written before `sent` existed
