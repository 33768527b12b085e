"""The audit log of ops actions on dead letters: one JSON record per replay or purge on `ops.audit`."""

import getpass
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from tradeflow_cli.kafka_snapshot import partitions_of, read_snapshot
from tradeflow_cli.time_parsing import as_utc, rfc3339


@dataclass(frozen=True)
class AuditEntry:
    action: str  # "replay" or "purge"
    actor: str
    at: datetime
    ids: tuple[str, ...]
    topic: str | None
    filter: dict[str, Any] = field(default_factory=dict)
    sent: dict[str, str] = field(default_factory=dict)  # a replay: dead-letter id → where its record went

    def sent_to(self, record_id: str) -> tuple[str, int, int] | None:
        """(topic, partition, offset) of the record this replay sent for the dead letter, if recorded."""
        parts = self.sent.get(record_id, "").rsplit(":", 2)
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            return None
        return parts[0], int(parts[1]), int(parts[2])

    @property
    def count(self) -> int:
        return len(self.ids)

    def to_json(self) -> bytes:
        return json.dumps({"action": self.action, "actor": self.actor, "at": rfc3339(self.at), "ids": list(self.ids),
                           "count": self.count, "filter": self.filter, "topic": self.topic,
                           **({"sent": self.sent} if self.sent else {})}).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "AuditEntry":
        data = json.loads(raw)
        return cls(action=data["action"], actor=data["actor"], at=as_utc(datetime.fromisoformat(data["at"])),
                   ids=tuple(data["ids"]), topic=data.get("topic"), filter=data.get("filter") or {},
                   sent=data.get("sent") or {})


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def replayed_ids(entries: Iterable[AuditEntry]) -> set[str]:
    return {record_id for entry in entries if entry.action == "replay" for record_id in entry.ids}


def replay_history(entries: Iterable[AuditEntry], record_id: str) -> list[AuditEntry]:
    return [entry for entry in entries if entry.action == "replay" and record_id in entry.ids]


@dataclass(frozen=True)
class KafkaAuditLog:
    bootstrap: str
    topic: str

    async def append(self, entry: AuditEntry) -> None:
        # Gzip keeps a purge of many thousands of ids within the broker's message size limit.
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True,
                                    compression_type="gzip", max_request_size=16 * 1024 * 1024)
        await producer.start()
        try:
            await producer.send_and_wait(self.topic, entry.to_json(), key=entry.action.encode())
        finally:
            await producer.stop()

    async def read(self) -> list[AuditEntry]:
        """Every entry, oldest first; records that are not audit entries are left out."""
        snapshot = await read_snapshot(self.bootstrap, await partitions_of(self.bootstrap, [self.topic]))
        entries = []
        for record in snapshot.records:
            try:
                entries.append(AuditEntry.from_json(record.value or b""))
            except (ValueError, KeyError, TypeError):
                continue
        return sorted(entries, key=lambda e: e.at)
