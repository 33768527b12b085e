"""Test doubles for the outside (provider, clock, ids) and ways to drive the service."""

import asyncio
import itertools
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.registry import Contract
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.messaging.processor import MessageContext
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_payment.adapters.tables import outbox
from tradeflow_payment.app.ports import ProviderPayment, ProviderRefund, ProviderRefused, ProviderUnavailable
from tradeflow_payment.bootstrap import build_app
from tradeflow_payment.domain.callback_signature import callback_signature
from tradeflow_payment.domain.payable import ProviderReport
from tradeflow_payment.domain.payment import ProviderState
from tradeflow_payment.settings import Settings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
tokens = TokenCodec(DEV_JWT_SECRET)


def auth(sub: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint(sub, roles or ['buyer'])}"}


@dataclass
class FixedClock:
    at: datetime = NOW

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class FakeProvider:
    """Answers like the PSP; `refuse` / `unavailable` make the next calls fail that way.
    `states` is its book: each opened payment is pending until a test decides it (or drops it:
    then it is unknown, like after a provider restart)."""

    opened: list[dict] = field(default_factory=list)
    states: dict[str, ProviderState] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    refunds: list[dict] = field(default_factory=list)
    refuse: str | None = None
    unavailable: bool = False
    _n: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _check(self) -> None:
        if self.unavailable:
            raise ProviderUnavailable("503 from the payment provider")
        if self.refuse:
            raise ProviderRefused(self.refuse)

    async def open_payment(self, **request) -> ProviderPayment:
        self._check()
        self.opened.append(request)
        reference = f"psp-{next(self._n)}"
        self.states[reference] = ProviderState.PENDING
        return ProviderPayment(reference, f"http://psp.test/pay/{reference}")

    def _report(self, psp_reference: str) -> ProviderReport:
        state = self.states.get(psp_reference, ProviderState.UNKNOWN)
        if state is ProviderState.UNKNOWN:
            return ProviderReport(psp_reference, state)
        request = self.opened[int(psp_reference.removeprefix("psp-")) - 1]
        return ProviderReport(psp_reference, state, request["amount"], request["currency"])

    async def payment_status(self, psp_reference: str) -> ProviderReport:
        if self.unavailable:
            raise ProviderUnavailable("503 from the payment provider")
        return self._report(psp_reference)

    async def cancel_payment(self, psp_reference: str) -> ProviderReport:
        if self.unavailable:
            raise ProviderUnavailable("503 from the payment provider")
        if self.states.get(psp_reference) is ProviderState.PENDING:
            self.states[psp_reference] = ProviderState.CANCELLED
            self.cancelled.append(psp_reference)
        return self._report(psp_reference)

    async def refund(self, **request) -> ProviderRefund:
        self._check()
        self.refunds.append(request)
        return ProviderRefund(f"rf-{request['refund_reference']}")


@asynccontextmanager
async def payment_service(database_url: str, **build) -> AsyncIterator[FastAPI]:
    """The service as bootstrap builds it, on a test database; its lifespan (Kafka) is not run,
    only its database listener (POST /payments waits on it)."""
    settings = build.pop("settings", None) or Settings(database_url=database_url)
    app = build_app(settings, **build)
    listener = app.state.runtime.listener
    listener.start()
    await asyncio.wait_for(listener.listening.wait(), 10)
    try:
        yield app
    finally:
        await listener.stop()
        provider = app.state.api.collaborators.provider
        if "provider" not in build and hasattr(provider, "aclose"):
            await provider.aclose()
        await app.state.runtime.engine.dispose()


async def deliver(app: FastAPI, message: Contract) -> None:
    """Handle a command as the consumer would: in its own transaction, with the outbox."""
    runtime = app.state.runtime
    envelope = runtime.outbox.envelope(message, correlation_id="corr-test")
    async with runtime.sessions.begin() as session:
        await app.state.command_handlers[type(message)](message, MessageContext(session, envelope, runtime.outbox))


async def announced(app: FastAPI, order_id: str | None = None) -> list[tuple[str, dict]]:
    """The messages in the outbox (what will be published), oldest first: (type, payload)."""
    async with app.state.runtime.sessions() as session:
        rows = (await session.execute(select(outbox.c.key, outbox.c.value).order_by(outbox.c.id))).all()
    envelopes = [Envelope.from_bytes(r.value) for r in rows if order_id in (None, r.key)]
    return [(e.type, e.payload) for e in envelopes]


def provider_event(psp_reference: str, order_id: str, amount: int, outcome: str = "succeeded", **overrides) -> bytes:
    event = {"event_id": f"evt_{uuid.uuid4().hex}", "type": f"payment.{outcome}", "psp_reference": psp_reference,
             "merchant_reference": order_id, "amount": amount, "currency": "CNY",
             "occurred_at": NOW.isoformat()} | overrides
    return json.dumps(event).encode()


def signed(body: bytes, at: datetime = NOW, secret: str = "psp-dev-webhook-secret") -> dict[str, str]:
    timestamp = int(at.timestamp())
    return {"X-PSP-Timestamp": str(timestamp), "X-PSP-Signature": callback_signature(secret, timestamp, body),
            "Content-Type": "application/json"}


async def callback(http: httpx.AsyncClient, psp_reference: str, order_id: str, amount: int,
                   outcome: str = "succeeded") -> httpx.Response:
    """The provider's callback as it would send it (signed at the service's fixed clock)."""
    body = provider_event(psp_reference, order_id, amount, outcome)
    return await http.post("/payments/psp/callbacks", content=body, headers=signed(body))
