"""Which dead letters an ops command acts on."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tradeflow_cli.dlq_records import DeadLetterRecord
from tradeflow_cli.time_parsing import rfc3339


@dataclass(frozen=True)
class DeadLetterFilter:
    """Every given criterion must hold; `since` is inclusive and `until` exclusive, both on the last failure."""

    dlq_topics: tuple[str, ...] = ()
    message_type: str | None = None
    error: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    group: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == DeadLetterFilter()

    def matches(self, record: DeadLetterRecord) -> bool:
        failure = record.dead_letter
        return all((
            not self.dlq_topics or record.id.topic in self.dlq_topics,
            self.message_type is None or record.message_type == self.message_type,
            self.group is None or failure.consumer_group == self.group,
            self.error is None or _contains(self.error, failure.error_class, failure.error_message),
            self.since is None or failure.last_failure >= self.since,
            self.until is None or failure.last_failure < self.until,
        ))

    def describe(self) -> dict[str, Any]:
        """The criteria that were given, as the audit log records them."""
        described = {"topic": list(self.dlq_topics) or None, "type": self.message_type, "error": self.error,
                     "since": self.since and rfc3339(self.since), "until": self.until and rfc3339(self.until),
                     "group": self.group}
        return {name: value for name, value in described.items() if value is not None}


def select(records: Iterable[DeadLetterRecord], criteria: DeadLetterFilter,
           limit: int | None = None) -> list[DeadLetterRecord]:
    """Matching records, oldest failure first, so a limited replay keeps the order things failed in."""
    matching = sorted((r for r in records if criteria.matches(r)), key=lambda r: (r.dead_letter.last_failure, r.id))
    return matching if limit is None else matching[:limit]


def _contains(needle: str, *haystacks: str) -> bool:
    return any(needle.lower() in haystack.lower() for haystack in haystacks)
