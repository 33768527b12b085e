"""A consumed Kafka record as the messaging kit sees it, independent of the client library."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class ConsumedRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    timestamp_ms: int

    @classmethod
    def from_kafka(cls, record) -> "ConsumedRecord":
        return cls(record.topic, record.partition, record.offset, record.key, record.value or b"",
                   tuple(record.headers or ()), record.timestamp)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return None

    @property
    def position(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def timestamp(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)
