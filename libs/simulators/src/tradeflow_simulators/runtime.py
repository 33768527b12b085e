"""What a running warehouse or carrier simulator holds besides its book: the outbox of its
webhooks (sent by the shared dispatcher to the configured callback URL), its hand-offs to the
other simulator (the warehouse gives a shipped parcel to the carrier, the carrier brings an
intercepted one back), its auto-advance mode, and an HTTP client — all started and stopped with
the app's lifespan.

The book (`settings.data_file`, SQLite) is opened at start-up: the subclass loads what it holds
(`open_book`), and the deliveries and hand-offs a previous run left pending are resumed, retried
on the same schedule (a webhook keeps its event id). A hand-off is a plain POST to the other
simulator, retried like a webhook until it answers 2xx (the calls are idempotent there).
"""

import json
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx

from tradeflow_simulators import book
from tradeflow_simulators.autopilot import Autopilot
from tradeflow_simulators.deliveries import Notice, OrderedDeliveries, announce
from tradeflow_simulators.settings import ReportingSimulatorSettings
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.webhooks import Delivery, WebhookDispatcher


class SimulatorRuntime:
    """Subclasses load their book (`open_book`) and say what one auto-mode step does (`auto_step`)."""

    def __init__(self, settings: ReportingSimulatorSettings, scheme: SignatureScheme) -> None:
        self.settings, self.scheme = settings, scheme
        self.autopilot = Autopilot(self.auto_step, auto=settings.auto, step_seconds=settings.step_seconds)
        self._db: sqlite3.Connection | None = None
        self._client: httpx.AsyncClient | None = None
        self._webhooks: WebhookDispatcher | None = None
        self._handoffs: WebhookDispatcher | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return self._client

    @property
    def deliveries(self) -> OrderedDeliveries:
        """The webhooks, each to the callback URL."""
        return self._running(self._webhooks).store  # type: ignore[return-value]

    @property
    def handoffs(self) -> OrderedDeliveries:
        """The calls to the other simulator handing it a parcel (subject: the waybill)."""
        return self._running(self._handoffs).store  # type: ignore[return-value]

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self._db = db = book.connect(self.settings.data_file)
        try:
            self.open_book(db)
            async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds) as client:
                self._client = client
                secret, policy = self.settings.webhook_secret.get_secret_value(), self.settings.retry_policy
                self._webhooks = WebhookDispatcher(OrderedDeliveries(db, "deliveries"), client, secret, self.scheme,
                                                   policy)
                self._handoffs = WebhookDispatcher(OrderedDeliveries(db, "handoffs"), client, secret, self.scheme,
                                                   policy)
                self._webhooks.start()  # resumes what a previous run left pending
                self._handoffs.start()
                self.autopilot.start()
                try:
                    yield
                finally:
                    await self.autopilot.aclose()
                    await self._webhooks.aclose()
                    await self._handoffs.aclose()
                    self._client = self._webhooks = self._handoffs = None
        finally:
            self._db = None
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """What is written inside is kept together or not at all (a kill -9 in between included)."""
        if self._db is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        with book.transaction(self._db):
            yield

    def change(self, decide: Callable[[], Iterable[Notice]], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        """Change the book (`decide`: the events it makes the provider report) and queue the
        webhooks, in one transaction. Returns the deliveries queued."""
        with self.transaction():
            return self.report(decide(), duplicate=duplicate, out_of_order=out_of_order)

    def report(self, notices: Iterable[Notice], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        """Send the events to the callback URL (signed, retried, in order unless `out_of_order`)."""
        return announce(self._running(self._webhooks), self.settings.callback_url, notices, duplicate=duplicate,
                        out_of_order=out_of_order)

    def hand_off(self, url: str, waybill: str, kind: str, body: dict | None = None) -> Delivery:
        """Queue a call to the other simulator about `waybill` (POST `url`, JSON `body`), retried
        until it answers 2xx."""
        now, call_id = time.time(), f"hof_{uuid.uuid4().hex}"
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        return self._running(self._handoffs).send(Delivery(call_id, call_id, kind, waybill, url, content, now,
                                                           next_attempt_at=now))

    @staticmethod
    def _running(dispatcher: WebhookDispatcher | None) -> WebhookDispatcher:
        if dispatcher is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return dispatcher

    def open_book(self, db: sqlite3.Connection) -> None:
        """Load the subclass's book from `db` (a file kept across restarts, or `:memory:`)."""
        raise NotImplementedError

    async def auto_step(self) -> None:
        raise NotImplementedError
