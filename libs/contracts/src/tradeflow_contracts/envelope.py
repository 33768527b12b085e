"""The envelope every Kafka message travels in (ARCHITECTURE.md "Messaging").

The record value is the envelope as JSON; the record key is the aggregate id; the headers
repeat `message_id`, `type` and `version` (so tools can filter without parsing) and carry the
W3C `traceparent`.
"""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    message_id: uuid.UUID
    type: str = Field(min_length=1)
    version: int = Field(ge=1)
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None = None
    producer: str
    payload: dict[str, Any]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, value: bytes) -> "Envelope":
        return cls.model_validate_json(value)

    def headers(self, traceparent: str | None = None) -> list[tuple[str, bytes]]:
        headers = [("message_id", str(self.message_id).encode()), ("type", self.type.encode()),
                   ("version", str(self.version).encode()), ("content-type", b"application/json")]
        if traceparent:
            headers.append(("traceparent", traceparent.encode()))
        return headers


def new_envelope(type_: str, version: int, payload: dict[str, Any], *, producer: str, correlation_id: str,
                 causation_id: str | None = None, message_id: uuid.UUID | None = None,
                 occurred_at: datetime | None = None) -> Envelope:
    return Envelope(
        message_id=message_id or uuid.uuid4(), type=type_, version=version,
        occurred_at=occurred_at or datetime.now(UTC), correlation_id=correlation_id,
        causation_id=causation_id, producer=producer, payload=json.loads(json.dumps(payload, default=str)),
    )
