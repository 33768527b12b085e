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

    def headers(self) -> list[tuple[str, bytes]]:
        values = {
            ORIGINAL_TOPIC: self.original_topic, ORIGINAL_PARTITION: str(self.original_partition),
            ORIGINAL_OFFSET: str(self.original_offset), CONSUMER_GROUP: self.consumer_group,
            ERROR_CLASS: self.error_class, ERROR_MESSAGE: self.error_message[:4000], ERROR_KIND: self.error_kind,
            ATTEMPTS: str(self.attempts), FIRST_FAILURE: self.first_failure.isoformat(),
            LAST_FAILURE: self.last_failure.isoformat(),
        }
        return [(k, v.encode()) for k, v in values.items()]

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> "DeadLetter":
        return cls(
            original_topic=headers[ORIGINAL_TOPIC], original_partition=int(headers[ORIGINAL_PARTITION]),
            original_offset=int(headers[ORIGINAL_OFFSET]), consumer_group=headers.get(CONSUMER_GROUP, ""),
            error_class=headers.get(ERROR_CLASS, ""), error_message=headers.get(ERROR_MESSAGE, ""),
            error_kind=headers.get(ERROR_KIND, ""), attempts=int(headers.get(ATTEMPTS, "0")),
            first_failure=datetime.fromisoformat(headers[FIRST_FAILURE]),
            last_failure=datetime.fromisoformat(headers[LAST_FAILURE]),
        )


def original_headers(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The headers the message had before it was dead-lettered."""
    return [(k, v) for k, v in headers if not k.startswith(PREFIX)]
