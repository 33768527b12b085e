"""Webhook delivery as a provider does it: a signed JSON event per outcome, retried with
exponential backoff (`backoff`, doubling, capped at `max_backoff`) until the merchant answers
2xx — for hours (`give_up_after`), or at most `attempts` times when that is set (> 0).

Deliveries are kept in the simulator's book (SQLite): after a restart the dispatcher resumes
every delivery still pending, on its schedule. Each attempt is signed afresh with the current
timestamp, so a receiver may reject old ones.
"""

import asyncio
import contextlib
import json
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from tradeflow_simulators.psp.ledger import PspPayment, PspStatus
from tradeflow_simulators.psp.signing import signed_headers

EVENT_TYPES = {PspStatus.SUCCEEDED: "payment.succeeded", PspStatus.FAILED: "payment.failed"}


@dataclass(frozen=True)
class RetryPolicy:
    backoff: float = 1.0  # seconds before the 2nd attempt; doubles each time
    max_backoff: float = 300.0
    give_up_after: float = 6 * 3600.0  # seconds since the first attempt
    attempts: int = 0  # 0: no limit on the count, only on the time

    def delay(self, attempts_made: int) -> float:
        return min(self.backoff * 2 ** (attempts_made - 1), self.max_backoff)

    def gives_up(self, attempts_made: int, first_at: float, now: float) -> bool:
        return (0 < self.attempts <= attempts_made) or now - first_at >= self.give_up_after


@dataclass
class Delivery:
    event_id: str
    type: str
    psp_reference: str
    url: str
    body: bytes
    created_at: float
    headers: dict[str, str] = field(default_factory=dict)  # those of the latest attempt
    attempts: list[dict] = field(default_factory=list)  # {at, status_code, error}
    state: str = "pending"  # → delivered | gave_up
    next_attempt_at: float | None = None

    @classmethod
    def of(cls, row: sqlite3.Row) -> "Delivery":
        return cls(row["event_id"], row["type"], row["psp_reference"], row["url"], bytes(row["body"]),
                   row["created_at"], json.loads(row["headers"]), json.loads(row["attempts"]), row["state"],
                   row["next_attempt_at"])

    def describe(self) -> dict:
        return {"event_id": self.event_id, "type": self.type, "psp_reference": self.psp_reference,
                "url": self.url, "state": self.state, "body": self.body.decode(), "headers": self.headers,
                "attempts": self.attempts,
                "next_attempt_at": (datetime.fromtimestamp(self.next_attempt_at, UTC).isoformat()
                                    if self.next_attempt_at and self.state == "pending" else None)}


def event_body(payment: PspPayment, event_id: str) -> bytes:
    event = {"event_id": event_id, "type": EVENT_TYPES[payment.status], "psp_reference": payment.psp_reference,
             "merchant_reference": payment.merchant_reference, "amount": payment.amount,
             "currency": payment.currency, "occurred_at": (payment.decided_at or datetime.now(UTC)).isoformat()}
    return json.dumps(event, separators=(",", ":")).encode()


class WebhookDispatcher:
    """Sends due deliveries from the book in the background (`run`), each attempt in its own task."""

    def __init__(self, db: sqlite3.Connection, client: httpx.AsyncClient, secret: str, policy: RetryPolicy) -> None:
        self.db, self.client, self.secret, self.policy = db, client, secret, policy
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task] = {}
        self._loop: asyncio.Task | None = None

    @property
    def deliveries(self) -> list[Delivery]:
        return [Delivery.of(r) for r in self.db.execute("SELECT * FROM deliveries ORDER BY created_at, event_id")]

    def dispatch(self, payment: PspPayment) -> Delivery:
        """Announce the payment's outcome to its notify_url: stored now, sent in the background."""
        event_id = f"evt_{uuid.uuid4().hex}"
        now = time.time()
        delivery = Delivery(event_id, EVENT_TYPES[payment.status], payment.psp_reference, payment.notify_url,
                            event_body(payment, event_id), now, next_attempt_at=now)
        self.db.execute("INSERT INTO deliveries (event_id, type, psp_reference, url, body, state, created_at, "
                        "next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                        (event_id, delivery.type, delivery.psp_reference, delivery.url, delivery.body, now, now))
        self._wake.set()
        return delivery

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="psp-webhooks")

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.time()
            for row in self.db.execute("SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? "
                                       "ORDER BY next_attempt_at LIMIT 200", (now,)).fetchall():
                if row["event_id"] not in self._in_flight:
                    task = asyncio.create_task(self._attempt(Delivery.of(row)))
                    self._in_flight[row["event_id"]] = task
                    task.add_done_callback(lambda _t, key=row["event_id"]: self._in_flight.pop(key, None))
            upcoming = self.db.execute("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending' AND "
                                       "next_attempt_at > ?", (now,)).fetchone()[0]
            pause = min(max((upcoming or now + 1.0) - time.time(), 0.005), 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)

    async def _attempt(self, delivery: Delivery) -> None:
        headers = signed_headers(self.secret, int(time.time()), delivery.body)
        try:
            response = await self.client.post(delivery.url, content=delivery.body, headers=headers)
            status_code, ok = response.status_code, response.is_success
            error = None if ok else response.text[:500]
        except httpx.HTTPError as exc:
            status_code, ok, error = None, False, f"{type(exc).__name__}: {exc}"
        now = time.time()
        attempts = [*delivery.attempts, {"at": datetime.fromtimestamp(now, UTC).isoformat(),
                                         "status_code": status_code, "error": error}]
        if ok:
            state, next_at = "delivered", None
        elif self.policy.gives_up(len(attempts), delivery.created_at, now):
            state, next_at = "gave_up", None
        else:
            state, next_at = "pending", now + self.policy.delay(len(attempts))
        self.db.execute("UPDATE deliveries SET headers = ?, attempts = ?, state = ?, next_attempt_at = ? "
                        "WHERE event_id = ?", (json.dumps(headers), json.dumps(attempts), state, next_at,
                                               delivery.event_id))
        self._wake.set()

    async def aclose(self) -> None:
        tasks = [t for t in (self._loop, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
