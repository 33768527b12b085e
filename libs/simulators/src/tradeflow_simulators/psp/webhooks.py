"""Webhook delivery as a provider does it: a signed JSON event per outcome, retried with
exponential backoff until the merchant answers 2xx, for a bounded number of attempts.

Each attempt is signed afresh with the current timestamp, so a receiver may reject old ones.
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from tradeflow_simulators.psp.ledger import PspPayment, PspStatus
from tradeflow_simulators.psp.signing import signed_headers

EVENT_TYPES = {PspStatus.SUCCEEDED: "payment.succeeded", PspStatus.FAILED: "payment.failed"}


@dataclass
class DeliveryAttempt:
    at: datetime
    status_code: int | None
    error: str | None = None


@dataclass
class Delivery:
    event_id: str
    type: str
    psp_reference: str
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # those of the latest attempt
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    state: str = "pending"  # → delivered | gave_up

    def describe(self) -> dict:
        return {"event_id": self.event_id, "type": self.type, "psp_reference": self.psp_reference,
                "url": self.url, "state": self.state, "body": self.body.decode(), "headers": self.headers,
                "attempts": [{"at": a.at.isoformat(), "status_code": a.status_code, "error": a.error}
                             for a in self.attempts]}


def event_body(payment: PspPayment, event_id: str) -> bytes:
    event = {"event_id": event_id, "type": EVENT_TYPES[payment.status], "psp_reference": payment.psp_reference,
             "merchant_reference": payment.merchant_reference, "amount": payment.amount,
             "currency": payment.currency, "occurred_at": (payment.decided_at or datetime.now(UTC)).isoformat()}
    return json.dumps(event, separators=(",", ":")).encode()


class WebhookDispatcher:
    def __init__(self, client: httpx.AsyncClient, secret: str, attempts: int, backoff_seconds: float) -> None:
        self.client, self.secret, self.attempts, self.backoff = client, secret, attempts, backoff_seconds
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task] = set()

    def dispatch(self, payment: PspPayment) -> Delivery:
        """Announce the payment's outcome to its notify_url, in the background."""
        event_id = f"evt_{uuid.uuid4().hex}"
        delivery = Delivery(event_id, EVENT_TYPES[payment.status], payment.psp_reference, payment.notify_url,
                            event_body(payment, event_id))
        self.deliveries.append(delivery)
        task = asyncio.create_task(self._deliver(delivery), name=f"webhook-{event_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    async def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(1, self.attempts + 1):
            if await self._attempt(delivery):
                delivery.state = "delivered"
                return
            if attempt < self.attempts:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        delivery.state = "gave_up"

    async def _attempt(self, delivery: Delivery) -> bool:
        delivery.headers = signed_headers(self.secret, int(time.time()), delivery.body)
        try:
            response = await self.client.post(delivery.url, content=delivery.body, headers=delivery.headers)
        except httpx.HTTPError as exc:
            delivery.attempts.append(DeliveryAttempt(datetime.now(UTC), None, f"{type(exc).__name__}: {exc}"))
            return False
        delivery.attempts.append(DeliveryAttempt(datetime.now(UTC), response.status_code,
                                                 None if response.is_success else response.text[:500]))
        return response.is_success

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
