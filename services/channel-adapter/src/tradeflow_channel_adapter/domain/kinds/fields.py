"""Reading what a channel sent, field by field, for the kind modules: each refusal is a `BadNews`
naming the field by its path in the channel's own shape (`orders.0.payment`, `records.2.orderNo`,
a CSV column)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tradeflow_channel_adapter.domain.channel import AddressFormat, Vocabulary
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import Address

MAX_QUANTITY = 1_000_000
MAX_AMOUNT = 10**15
"""Minor units: far above any real order, far below what the database's BIGINT holds."""


def at(prefix: str, key: str | int) -> str:
    """The path of `key` under `prefix` (the channel's own dotted path)."""
    return f"{prefix}.{key}" if prefix else str(key)


def mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadNews(where or "body", f"expected an object, got {type(value).__name__}")
    return value


def items(data: Mapping[str, Any], key: str, prefix: str = "") -> list[Any]:
    """A non-empty list."""
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise BadNews(at(prefix, key), f"expected a non-empty list, got {value!r:.60}")
    return value


def optional_text(data: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
    """A string (stripped; None when missing, null or blank)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadNews(at(prefix, key), f"expected a string, got {value!r:.60}")
    if "\x00" in value:
        raise BadNews(at(prefix, key), "contains a NUL character")
    return value.strip() or None


def text(data: Mapping[str, Any], key: str, prefix: str = "") -> str:
    """A required non-blank string (stripped)."""
    value = optional_text(data, key, prefix)
    if value is None:
        raise BadNews(at(prefix, key), "is required")
    return value


def quantity(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_QUANTITY:
        raise BadNews(where, f"expected a whole number of units from 1 to {MAX_QUANTITY}, got {value!r:.60}")
    return value


def money(vocabulary: Vocabulary, value: object, where: str) -> int:
    """A money value in the channel's format → minor units (at most `MAX_AMOUNT`)."""
    amount = vocabulary.amount(value, where)
    if amount > MAX_AMOUNT:
        raise BadNews(where, f"{value!r:.60} is beyond any order's amount")
    return amount


@dataclass(frozen=True)
class AddressKeys:
    """The channel's names of a receiver's fields. A joined address is one line in `address`:
    "<region> <city> <street address>"; a split one uses `region`, `city` and `address`."""

    name: str
    phone: str
    region: str
    city: str
    address: str


def receiver(data: Mapping[str, Any], prefix: str, keys: AddressKeys, vocabulary: Vocabulary) -> Address:
    name, phone = text(data, keys.name, prefix), text(data, keys.phone, prefix)
    if vocabulary.address is AddressFormat.JOINED:
        region, city, street = joined(text(data, keys.address, prefix), at(prefix, keys.address))
    else:
        region, city = text(data, keys.region, prefix), text(data, keys.city, prefix)
        street = text(data, keys.address, prefix)
    return Address(name, phone, region, city, street)


def joined(line: str, where: str) -> tuple[str, str, str]:
    """ "<region> <city> <street address>" → its three parts (the street may hold spaces)."""
    parts = line.split(maxsplit=2)
    if len(parts) < 3:
        raise BadNews(where, f'expected "<region> <city> <street address>", got {line!r:.80}')
    return parts[0], parts[1], parts[2]


def has_any(data: Mapping[str, Any], *keys: str) -> bool:
    """Whether any of the fields holds something (a receiver given at all)."""
    return any(data.get(key) not in (None, "") for key in keys)


def not_this_kind(kind: str, what: str) -> BadNews:
    return BadNews("kind", f"a {kind} channel does not {what}")


BEIJING = timezone(timedelta(hours=8))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def beijing_time(body: Mapping[str, Any], key: str) -> datetime | None:
    """An optional "YYYY-MM-DD hh:mm:ss" in Beijing time (how Chinese marketplaces and ERPs write it)."""
    value = optional_text(body, key)
    if value is None:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        raise BadNews(key, f'expected "YYYY-MM-DD hh:mm:ss", got {value!r:.40}') from None
