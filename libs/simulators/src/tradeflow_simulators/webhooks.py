"""Webhook delivery as a provider does it, shared by every simulator: a signed JSON event,
retried with exponential backoff (`backoff`, doubling, capped at `max_backoff`) until the
receiver answers 2xx — for hours (`give_up_after`, counted from the first attempt), or at most
`attempts` times when that is set (> 0). Each attempt is signed afresh with the current
timestamp (`SignatureScheme`), so a receiver may reject old ones.

Where deliveries are kept is the provider's choice (`DeliveryStore`): each simulator keeps them
in its SQLite book, so a restarted one resumes them. The store also decides which deliveries are
due: the warehouse's and the carrier's send a subject's events one at a time, in order
(`tradeflow_simulators.deliveries`). The warehouse and the carrier also hand parcels to each
other through a dispatcher of their own (a control call retried the same way).
"""

import asyncio
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

import httpx

from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.stopping import cancel_all, wake_or_timeout


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


@dataclass(frozen=True)
class Delivery:
    """One webhook to send. `subject` is what the event is about (a psp_reference, a dispatch
    number, a waybill); `delivery_id` tells apart two deliveries of the same event (a duplicate)."""

    delivery_id: str
    event_id: str
    type: str
    subject: str
    url: str
    body: bytes
    created_at: float
    headers: dict[str, str] = field(default_factory=dict)  # those of the latest attempt
    attempts: tuple[dict, ...] = ()  # {at, status_code, error}
    state: str = "pending"  # → delivered | gave_up
    next_attempt_at: float | None = None

    @property
    def first_attempt_at(self) -> float | None:
        return datetime.fromisoformat(self.attempts[0]["at"]).timestamp() if self.attempts else None

    def describe(self, subject_name: str) -> dict:
        return {"delivery_id": self.delivery_id, "event_id": self.event_id, "type": self.type,
                subject_name: self.subject, "url": self.url, "state": self.state, "body": self.body.decode(),
                "headers": self.headers, "attempts": list(self.attempts),
                "next_attempt_at": (datetime.fromtimestamp(self.next_attempt_at, UTC).isoformat()
                                    if self.next_attempt_at and self.state == "pending" else None)}


class DeliveryStore(Protocol):
    """Where a provider keeps its deliveries, and which of them are due."""

    def add(self, delivery: Delivery) -> None: ...

    def due(self, now: float, limit: int) -> list[Delivery]:
        """Pending deliveries to attempt now."""
        ...

    def next_due_after(self, now: float) -> float | None:
        """When the next pending delivery falls due (None: none is scheduled)."""
        ...

    def record(self, delivery: Delivery) -> None:
        """Save an attempt's outcome: headers, attempts, state and next_attempt_at."""
        ...

    def listing(self, subject: str | None = None) -> list[Delivery]:
        """Every delivery (about `subject`), in the order queued."""
        ...


class WebhookDispatcher:
    """Sends due deliveries from its store in the background (`start`), each attempt in its own task."""

    def __init__(self, store: DeliveryStore, client: httpx.AsyncClient, secret: str, scheme: SignatureScheme,
                 policy: RetryPolicy) -> None:
        self.store, self.client, self.secret, self.scheme, self.policy = store, client, secret, scheme, policy
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task] = {}
        self._loop: asyncio.Task | None = None

    def send(self, delivery: Delivery) -> Delivery:
        """Queue `delivery`: kept in the store now, sent in the background."""
        self.store.add(delivery)
        self._wake.set()
        return delivery

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name=f"{self.scheme.provider.lower()}-webhooks")

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.time()
            for delivery in self.store.due(now, 200):
                if delivery.delivery_id not in self._in_flight:
                    task = asyncio.create_task(self._attempt(delivery))
                    self._in_flight[delivery.delivery_id] = task
                    task.add_done_callback(lambda _t, key=delivery.delivery_id: self._in_flight.pop(key, None))
            upcoming = self.store.next_due_after(now)
            pause = min(max((upcoming or now + 1.0) - time.time(), 0.005), 1.0)
            await wake_or_timeout(self._wake, pause)

    async def _attempt(self, delivery: Delivery) -> None:
        headers = self.scheme.headers(self.secret, int(time.time()), delivery.body)
        try:
            response = await self.client.post(delivery.url, content=delivery.body, headers=headers)
            status_code, ok = response.status_code, response.is_success
            error = None if ok else response.text[:500]
        except httpx.HTTPError as exc:
            status_code, ok, error = None, False, f"{type(exc).__name__}: {exc}"
        now = time.time()
        attempts = (*delivery.attempts, {"at": datetime.fromtimestamp(now, UTC).isoformat(),
                                         "status_code": status_code, "error": error})
        if ok:
            state, next_at = "delivered", None
        elif self.policy.gives_up(len(attempts), delivery.first_attempt_at or now, now):
            state, next_at = "gave_up", None
        else:
            state, next_at = "pending", now + self.policy.delay(len(attempts))
        self.store.record(replace(delivery, headers=headers, attempts=attempts, state=state, next_attempt_at=next_at))
        self._wake.set()

    async def aclose(self) -> None:
        await cancel_all([t for t in (self._loop, *self._in_flight.values()) if t is not None])

