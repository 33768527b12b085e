"""The dead-letter record format shared by consumers (who write it) and ops tools (who read it).

A record on `<topic>.dlq` keeps the original key and value unchanged and the original headers,
plus `dlq.*` headers describing where it came from and why it failed. Replay sends key, value
and the original headers (without `dlq.*`) back to `dlq.original.topic`.
"""

from dataclasses import dataclass
from datetime import datetime

PREFIX = "dlq."
ORIGINAL_TOPIC = "dlq.original.topic"
ORIGINAL_PARTITION = "dlq.original.partition"
ORIGINAL_OFFSET = "dlq.original.offset"
ORIGINAL_TIMESTAMP = "dlq.original.timestamp"
CONSUMER_GROUP = "dlq.consumer.group"
ERROR_CLASS = "dlq.error.class"
ERROR_MESSAGE = "dlq.error.message"
ERROR_KIND = "dlq.error.kind"  # "permanent" or "retries-exhausted"
ATTEMPTS = "dlq.attempts"
FIRST_FAILURE = "dlq.first.failure"
LAST_FAILURE = "dlq.last.failure"
REPLAYED_FROM = "dlq.replayed.from"  # set on a replayed record: "<dlq-topic>:<partition>:<offset>"
REPLAY_ROOT = "dlq.replay.root"  # on a replayed record: the first dead letter of its chain of replays
REPLAY_COUNT = "dlq.replay.count"  # on a replayed record: replays along the chain, 1 for a first failure's
REPLAYED_AT = "dlq.replayed.at"  # on a replayed record: when it was sent, the `at` of its audit entry


@dataclass(frozen=True)
class ReplayLink:
    """How a replayed record leads back to the dead letter it was replayed from.

    Replay writes these headers on the record it sends; a consumer that fails on that record
    again keeps them on the new dead letter, so each failure links to its original.
    """

    replayed_from: str
    root: str
    count: int
    replayed_at: datetime | None = None

    def headers(self) -> list[tuple[str, bytes]]:
        values = {REPLAYED_FROM: self.replayed_from, REPLAY_ROOT: self.root, REPLAY_COUNT: str(self.count)}
        if self.replayed_at is not None:
            values[REPLAYED_AT] = self.replayed_at.isoformat()
        return [(k, v.encode()) for k, v in values.items()]

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> "ReplayLink | None":
        """None for a record that is no replay. Lenient: a bad link never stops a record being dead-lettered."""
        replayed_from = headers.get(REPLAYED_FROM)
        if not replayed_from:
            return None
        count = headers.get(REPLAY_COUNT, "")
        try:
            replayed_at = datetime.fromisoformat(headers[REPLAYED_AT]) if REPLAYED_AT in headers else None
        except ValueError:
            replayed_at = None
        return cls(replayed_from=replayed_from, root=headers.get(REPLAY_ROOT) or replayed_from,
                   count=int(count) if count.isdigit() and int(count) > 0 else 1, replayed_at=replayed_at)


@dataclass(frozen=True)
class DeadLetter:
    original_topic: str
    original_partition: int
    original_offset: int
    consumer_group: str
    error_class: str
    error_message: str
    error_kind: str
    attempts: int
    first_failure: datetime
    last_failure: datetime
    replay: ReplayLink | None = None  # set when the record that failed was a replay

    def headers(self) -> list[tuple[str, bytes]]:
        values = {
            ORIGINAL_TOPIC: self.original_topic, ORIGINAL_PARTITION: str(self.original_partition),
            ORIGINAL_OFFSET: str(self.original_offset), CONSUMER_GROUP: self.consumer_group,
            ERROR_CLASS: self.error_class, ERROR_MESSAGE: self.error_message[:4000], ERROR_KIND: self.error_kind,
            ATTEMPTS: str(self.attempts), FIRST_FAILURE: self.first_failure.isoformat(),
            LAST_FAILURE: self.last_failure.isoformat(),
        }
        return [(k, v.encode()) for k, v in values.items()] + (self.replay.headers() if self.replay else [])

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> "DeadLetter":
        return cls(
            original_topic=headers[ORIGINAL_TOPIC], original_partition=int(headers[ORIGINAL_PARTITION]),
            original_offset=int(headers[ORIGINAL_OFFSET]), consumer_group=headers.get(CONSUMER_GROUP, ""),
            error_class=headers.get(ERROR_CLASS, ""), error_message=headers.get(ERROR_MESSAGE, ""),
            error_kind=headers.get(ERROR_KIND, ""), attempts=int(headers.get(ATTEMPTS, "0")),
            first_failure=datetime.fromisoformat(headers[FIRST_FAILURE]),
            last_failure=datetime.fromisoformat(headers[LAST_FAILURE]),
            replay=ReplayLink.from_headers(headers),
        )


def original_headers(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The headers the message had before it was dead-lettered."""
    return [(k, v) for k, v in headers if not k.startswith(PREFIX)]
