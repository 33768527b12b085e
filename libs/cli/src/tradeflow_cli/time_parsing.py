"""Instants as ops type them: RFC 3339, or a span back from now (`30m`, `2h`, `7d`)."""

import re
from datetime import UTC, datetime, timedelta

_SPAN = re.compile(r"(?P<amount>\d+)(?P<unit>[smhdw])", re.ASCII)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_moment(text: str, now: datetime) -> datetime:
    """A time without offset is taken as UTC; a span (`2h`) counts back from `now`."""
    text = text.strip()
    try:
        if span := _SPAN.fullmatch(text):
            return as_utc(now) - timedelta(**{_UNITS[span["unit"]]: int(span["amount"])})
        return as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is neither an RFC 3339 time (2025-05-01T12:00:00Z) "
                         "nor a span back from now (30m, 2h, 7d)") from None


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    return as_utc(moment).isoformat().replace("+00:00", "Z")
