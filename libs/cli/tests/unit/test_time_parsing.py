from datetime import UTC, datetime, timedelta, timezone

import pytest

from tradeflow_cli.time_parsing import parse_moment, rfc3339

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "back"), [
    ("45s", timedelta(seconds=45)), ("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)),
    ("7d", timedelta(days=7)), ("1w", timedelta(weeks=1)), ("0m", timedelta()),
])
def test_a_span_counts_back_from_now(text, back):
    assert parse_moment(text, NOW) == NOW - back


def test_takes_rfc3339_with_z():
    assert parse_moment("2025-05-01T10:30:00Z", NOW) == datetime(2025, 5, 1, 10, 30, tzinfo=UTC)


def test_converts_an_offset_to_utc():
    moment = parse_moment("2025-05-01T12:30:00+02:00", NOW)
    assert moment == datetime(2025, 5, 1, 10, 30, tzinfo=UTC)
    assert moment.tzinfo == UTC


def test_a_time_without_offset_is_utc():
    assert parse_moment("2025-05-01T10:30:00", NOW) == datetime(2025, 5, 1, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2x", "-2h", "2 h", "99999999999999d", "2025-13-01"])
def test_rejects_what_is_neither_a_time_nor_a_span(text):
    with pytest.raises(ValueError, match="neither an RFC 3339 time"):
        parse_moment(text, NOW)


def test_formats_as_rfc3339_in_utc():
    assert rfc3339(datetime(2025, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))) == "2025-05-01T10:30:00Z"
