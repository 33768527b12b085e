"""Events a provider reports and the in-memory webhook outbox of the warehouse and the carrier.

Order per subject: a subject's deliveries (one dispatch's, one waybill's) leave one at a time,
in the order they were queued — the next is first attempted once the one before was answered
2xx or given up — so the receiver gets them in the order the provider meant, also while it
retries. `announce` queues a provider's events; tests may ask for each event twice (the same
event id and body: the receiver must deduplicate) or in reverse order (the receiver must not
trust arrival order).
"""

import json
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


class MemoryDeliveries:
    """A `DeliveryStore` in memory (a restart forgets it), ordered per subject."""

    def __init__(self) -> None:
        self._all: dict[str, Delivery] = {}
        self._pending: dict[str, Delivery] = {}  # in the order queued

    def add(self, delivery: Delivery) -> None:
        self._all[delivery.delivery_id] = delivery
        self._pending[delivery.delivery_id] = delivery

    def _heads(self) -> list[Delivery]:
        """The first pending delivery of each subject: the only one that may be attempted."""
        heads: dict[str, Delivery] = {}
        for delivery in self._pending.values():
            heads.setdefault(delivery.subject, delivery)
        return list(heads.values())

    def due(self, now: float, limit: int) -> list[Delivery]:
        return [d for d in self._heads() if d.next_attempt_at is not None and d.next_attempt_at <= now][:limit]

    def next_due_after(self, now: float) -> float | None:
        return min((d.next_attempt_at for d in self._heads() if d.next_attempt_at and d.next_attempt_at > now),
                   default=None)

    def record(self, delivery: Delivery) -> None:
        self._all[delivery.delivery_id] = delivery
        if delivery.state == "pending":
            self._pending[delivery.delivery_id] = delivery
        else:
            self._pending.pop(delivery.delivery_id, None)

    def listing(self, subject: str | None = None) -> list[Delivery]:
        """Every delivery (of `subject`), in the order queued."""
        return [d for d in self._all.values() if subject in (None, d.subject)]
