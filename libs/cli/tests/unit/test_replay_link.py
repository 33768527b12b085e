from datetime import UTC, datetime

from tradeflow_contracts.deadletter import (
    REPLAY_COUNT,
    REPLAY_ROOT,
    REPLAYED_AT,
    REPLAYED_FROM,
    DeadLetter,
    ReplayLink,
)

AT = datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)


def decoded(headers):
    return {k: v.decode() for k, v in headers}


def letter(replay=None) -> DeadLetter:
    return DeadLetter("order.events", 1, 40, "payment", "ValueError", "bad", "permanent", 3, AT, AT, replay)


def test_a_dead_letter_of_a_replay_keeps_its_link_through_its_headers():
    link = ReplayLink("order.events.dlq:0:9", "order.events.dlq:0:5", 2, AT)
    headers = decoded(letter(link).headers())
    assert (headers[REPLAYED_FROM], headers[REPLAY_ROOT], headers[REPLAY_COUNT]) == (
        "order.events.dlq:0:9", "order.events.dlq:0:5", "2")
    assert DeadLetter.from_headers(headers) == letter(link)


def test_a_first_failure_has_no_link_and_writes_no_link_headers():
    headers = decoded(letter().headers())
    assert not {REPLAYED_FROM, REPLAY_ROOT, REPLAY_COUNT, REPLAYED_AT} & set(headers)
    assert DeadLetter.from_headers(headers).replay is None


def test_a_replay_by_an_older_cli_links_to_where_it_came_from_as_the_first_replay():
    assert ReplayLink.from_headers({REPLAYED_FROM: "order.events.dlq:0:5"}) == ReplayLink(
        "order.events.dlq:0:5", "order.events.dlq:0:5", 1, None)


def test_a_garbled_link_is_read_leniently_never_raising():
    link = ReplayLink.from_headers({REPLAYED_FROM: "x:0:1", REPLAY_COUNT: "-3", REPLAYED_AT: "yesterday"})
    assert link == ReplayLink("x:0:1", "x:0:1", 1, None)
