"""Events a provider reports and the webhook outbox of the warehouse and the carrier, kept in
the simulator's book (`tradeflow_simulators.book`).

Order per subject: a subject's deliveries (one dispatch's, one waybill's) leave one at a time,
in the order they were queued — the next is first attempted once the one before was answered
2xx or given up — so the receiver gets them in the order the provider meant, also while it
retries. `announce` queues a provider's events; tests may ask for each event twice (the same
event id and body: the receiver must deduplicate) or in reverse order (the receiver must not
trust arrival order).
"""

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tradeflow_simulators.webhooks import Delivery, WebhookDispatcher


@dataclass(frozen=True)
class Notice:
    """One event as the provider reports it: `fields` go between `type` and `occurred_at`."""

    type: str
    subject: str
    fields: dict
    occurred_at: datetime


def event_body(event_id: str, notice: Notice) -> bytes:
    event = {"event_id": event_id, "type": notice.type, **notice.fields, "occurred_at": notice.occurred_at.isoformat()}
    return json.dumps(event, separators=(",", ":")).encode()


def announce(dispatcher: WebhookDispatcher, url: str, notices: Iterable[Notice], *, duplicate: bool = False,
             out_of_order: bool = False) -> list[Delivery]:
    """Queue a webhook to `url` per notice, in order — reversed when `out_of_order`, each one
    twice in a row when `duplicate`. Returns the deliveries queued."""
    queued, now = [], time.time()
    ordered = list(notices)
    for notice in reversed(ordered) if out_of_order else ordered:
        event_id = f"evt_{uuid.uuid4().hex}"
        body = event_body(event_id, notice)
        for _ in range(2 if duplicate else 1):
            delivery = Delivery(f"dlv_{uuid.uuid4().hex}", event_id, notice.type, notice.subject, url, body, now,
                                next_attempt_at=now)
            queued.append(dispatcher.send(delivery))
    return queued


class OrderedDeliveries:
    """A `DeliveryStore` in the simulator's book (SQLite table `table`), ordered per subject: only
    the first pending delivery of a subject is ever due. Kept across a restart: what was pending
    is attempted again (the same event id: the receiver deduplicates)."""

    def __init__(self, db: sqlite3.Connection, table: str = "deliveries") -> None:
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        self.db, self.table = db, table
        db.executescript(f"""
            CREATE TABLE IF NOT EXISTS {table} (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order queued
                delivery_id TEXT NOT NULL UNIQUE,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                subject TEXT NOT NULL,
                url TEXT NOT NULL,
                body BLOB NOT NULL,
                created_at REAL NOT NULL,
                headers TEXT NOT NULL DEFAULT '{{}}',
                attempts TEXT NOT NULL DEFAULT '[]',
                state TEXT NOT NULL DEFAULT 'pending',
                next_attempt_at REAL
            );
            CREATE INDEX IF NOT EXISTS {table}_by_subject ON {table} (subject, seq);
            CREATE INDEX IF NOT EXISTS {table}_pending ON {table} (state, subject, seq);""")
        # the head of each subject's line: its first delivery still pending
        self._heads = (f"SELECT d.* FROM {table} d JOIN (SELECT MIN(seq) AS seq FROM {table} "
                       "WHERE state = 'pending' GROUP BY subject) head ON d.seq = head.seq")

    def add(self, delivery: Delivery) -> None:
        self.db.execute(f"INSERT INTO {self.table} (delivery_id, event_id, type, subject, url, body, created_at, "
                        "headers, attempts, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (delivery.delivery_id, delivery.event_id, delivery.type, delivery.subject, delivery.url,
                         delivery.body, delivery.created_at, json.dumps(delivery.headers),
                         json.dumps(list(delivery.attempts)), delivery.state, delivery.next_attempt_at))

    def due(self, now: float, limit: int) -> list[Delivery]:
        rows = self.db.execute(f"{self._heads} WHERE d.next_attempt_at <= ? ORDER BY d.seq LIMIT ?", (now, limit))
        return [_delivery(row) for row in rows.fetchall()]

    def next_due_after(self, now: float) -> float | None:
        return self.db.execute(f"SELECT MIN(next_attempt_at) FROM ({self._heads}) WHERE next_attempt_at > ?",
                               (now,)).fetchone()[0]

    def record(self, delivery: Delivery) -> None:
        self.db.execute(f"UPDATE {self.table} SET headers = ?, attempts = ?, state = ?, next_attempt_at = ? "
                        "WHERE delivery_id = ?", (json.dumps(delivery.headers), json.dumps(list(delivery.attempts)),
                                                  delivery.state, delivery.next_attempt_at, delivery.delivery_id))

    def listing(self, subject: str | None = None) -> list[Delivery]:
        """Every delivery (of `subject`), in the order queued."""
        where, args = ("WHERE subject = ?", (subject,)) if subject is not None else ("", ())
        return [_delivery(row) for row in self.db.execute(f"SELECT * FROM {self.table} {where} ORDER BY seq", args)]


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(row["delivery_id"], row["event_id"], row["type"], row["subject"], row["url"], bytes(row["body"]),
                    row["created_at"], json.loads(row["headers"]), tuple(json.loads(row["attempts"])), row["state"],
                    row["next_attempt_at"])
