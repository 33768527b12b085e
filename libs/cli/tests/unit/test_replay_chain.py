"""The chain of replays `dlq show` draws: audited replays matched to the dead letters they became."""

from datetime import UTC, datetime, timedelta

from aiokafka import TopicPartition

from tradeflow_cli.audit import AuditEntry
from tradeflow_cli.dlq_chain import Awaiting, awaited, replay_chain
from tradeflow_contracts.deadletter import ReplayLink

FIRST, SECOND = datetime(2025, 6, 1, 13, tzinfo=UTC), datetime(2025, 6, 1, 14, tzinfo=UTC)


def replayed(record_id: str, at: datetime) -> AuditEntry:
    return AuditEntry("replay", "ops", at, (record_id,), "order.events.dlq")


def test_each_audited_replay_has_its_fate_dead_again_or_no_dead_letter(dead_letter_record):
    original = dead_letter_record(5)
    again = dead_letter_record(9, replay=ReplayLink("order.events.dlq:0:5", "order.events.dlq:0:5", 1, FIRST))
    chain = replay_chain(original, [original, again], [replayed("order.events.dlq:0:5", FIRST),
                                                       replayed("order.events.dlq:0:5", SECOND)])
    assert chain.id == "order.events.dlq:0:5" and chain.record == original
    [first, second] = chain.replays
    assert (first.entry.at, first.dead_again.record) == (FIRST, again)
    assert (second.entry.at, second.dead_again) == (SECOND, None)


def test_a_later_dead_letter_shows_the_whole_chain_from_the_first(dead_letter_record):
    original = dead_letter_record(5)
    again = dead_letter_record(9, replay=ReplayLink("order.events.dlq:0:5", "order.events.dlq:0:5", 1, FIRST))
    third = dead_letter_record(12, replay=ReplayLink("order.events.dlq:0:9", "order.events.dlq:0:5", 2, SECOND))
    audit = [replayed("order.events.dlq:0:5", FIRST), replayed("order.events.dlq:0:9", SECOND)]
    chain = replay_chain(again, [third, again, original], audit)
    assert chain.id == "order.events.dlq:0:5"
    [[to_again]] = [chain.replays]
    [[to_third]] = [to_again.dead_again.replays]
    assert to_third.dead_again.record == third and to_third.dead_again.replays == []


def test_a_replay_missing_from_the_audit_log_still_shows_with_its_dead_letter(dead_letter_record):
    original = dead_letter_record(5)
    again = dead_letter_record(9, replay=ReplayLink("order.events.dlq:0:5", "order.events.dlq:0:5", 1, FIRST))
    [unaudited] = replay_chain(original, [original, again], []).replays
    assert (unaudited.entry, unaudited.dead_again.record) == (None, again)


def test_a_first_dead_letter_no_longer_retained_is_still_the_root(dead_letter_record):
    again = dead_letter_record(9, replay=ReplayLink("order.events.dlq:0:5", "order.events.dlq:0:5", 1, FIRST))
    chain = replay_chain(again, [again], [replayed("order.events.dlq:0:5", FIRST - timedelta(hours=1))])
    assert (chain.id, chain.record) == ("order.events.dlq:0:5", None)
    [audited, unaudited] = chain.replays
    assert audited.dead_again is None and unaudited.entry is None and unaudited.dead_again.record == again


def test_a_replay_without_a_dead_letter_awaits_the_group_that_failed_where_it_was_sent(dead_letter_record):
    original = dead_letter_record(5, group="inventory")
    entry = AuditEntry("replay", "ops", FIRST, ("order.events.dlq:0:5",), "order.events.dlq",
                       sent={"order.events.dlq:0:5": "order.events:2:40"})
    [replay] = replay_chain(original, [original], [entry]).replays
    assert replay.awaiting == Awaiting("inventory", TopicPartition("order.events", 2), 40)
    assert awaited(replay_chain(original, [original], [entry])) == [replay.awaiting]
    assert not replay.awaiting.consumed({("inventory", TopicPartition("order.events", 2)): 40})
    assert replay.awaiting.consumed({("inventory", TopicPartition("order.events", 2)): 41})
    assert not replay.awaiting.consumed({("payment", TopicPartition("order.events", 2)): 99})
