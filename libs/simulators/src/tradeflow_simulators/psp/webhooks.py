"""The PSP's webhooks: a signed JSON event per decided payment, sent and retried by the shared
dispatcher (`tradeflow_simulators.webhooks`: backoff, signing, giving up), kept in the
simulator's book (SQLite) so that after a restart every delivery still pending is resumed on
its schedule.
"""

import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime

from tradeflow_simulators.psp.ledger import PspPayment, PspStatus
from tradeflow_simulators.webhooks import Delivery, RetryPolicy, WebhookDispatcher

EVENT_TYPES = {PspStatus.SUCCEEDED: "payment.succeeded", PspStatus.FAILED: "payment.failed"}

__all__ = ["EVENT_TYPES", "RetryPolicy", "SqliteDeliveries", "announce_outcome", "event_body"]


def event_body(payment: PspPayment, event_id: str) -> bytes:
    event = {"event_id": event_id, "type": EVENT_TYPES[payment.status], "psp_reference": payment.psp_reference,
             "merchant_reference": payment.merchant_reference, "amount": payment.amount,
             "currency": payment.currency, "occurred_at": (payment.decided_at or datetime.now(UTC)).isoformat()}
    return json.dumps(event, separators=(",", ":")).encode()


def announce_outcome(dispatcher: WebhookDispatcher, payment: PspPayment) -> Delivery:
    """Announce the payment's outcome to its notify_url: stored now, sent in the background."""
    event_id = f"evt_{uuid.uuid4().hex}"
    now = time.time()
    return dispatcher.send(Delivery(event_id, event_id, EVENT_TYPES[payment.status], payment.psp_reference,
                                    payment.notify_url, event_body(payment, event_id), now, next_attempt_at=now))


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(row["event_id"], row["event_id"], row["type"], row["psp_reference"], row["url"],
                    bytes(row["body"]), row["created_at"], json.loads(row["headers"]),
                    tuple(json.loads(row["attempts"])), row["state"], row["next_attempt_at"])


class SqliteDeliveries:
    """The deliveries in the book (table `deliveries`; one per event, so keyed by event id)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def add(self, delivery: Delivery) -> None:
        self.db.execute("INSERT INTO deliveries (event_id, type, psp_reference, url, body, state, created_at, "
                        "next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                        (delivery.event_id, delivery.type, delivery.subject, delivery.url, delivery.body,
                         delivery.created_at, delivery.next_attempt_at))

    def due(self, now: float, limit: int) -> list[Delivery]:
        return [_delivery(r) for r in self.db.execute(
            "SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at "
            "LIMIT ?", (now, limit)).fetchall()]

    def next_due_after(self, now: float) -> float | None:
        return self.db.execute("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending' AND "
                               "next_attempt_at > ?", (now,)).fetchone()[0]

    def record(self, delivery: Delivery) -> None:
        self.db.execute("UPDATE deliveries SET headers = ?, attempts = ?, state = ?, next_attempt_at = ? "
                        "WHERE event_id = ?", (json.dumps(delivery.headers), json.dumps(list(delivery.attempts)),
                                               delivery.state, delivery.next_attempt_at, delivery.event_id))

    def listing(self, subject: str | None = None) -> list[Delivery]:
        where, args = ("WHERE psp_reference = ?", (subject,)) if subject is not None else ("", ())
        rows = self.db.execute(f"SELECT * FROM deliveries {where} ORDER BY created_at, event_id", args).fetchall()
        return [_delivery(r) for r in rows]
