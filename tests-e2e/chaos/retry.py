"""Clients retry what is transient — a connection error, a timeout, any 5xx, 429 — with the SAME
`Idempotency-Key`, for up to `RETRY_FOR` seconds, as a real client would; a 4xx other than that
is the answer. Each retry is counted on the flow (`retries`) and what it saw noted (`notes`)."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tradeflow_testing.polling import poll_within

RETRY_FOR = 90.0


class Transient(Exception):
    """An answer a client retries: the platform could not take the request just now."""


async def retrying(flow: Any, call: Callable[[], Awaitable[httpx.Response]], retry_for: float = RETRY_FOR
                   ) -> httpx.Response | None:
    """`call` until it gives a non-transient answer; None when `retry_for` seconds were not enough."""
    async def attempt() -> httpx.Response | None:
        try:
            r = await call()
        except httpx.TransportError as exc:
            flow.notes.append(type(exc).__name__)
        else:
            if r.status_code < 500 and r.status_code != 429:
                return r
            flow.notes.append(f"{r.status_code}")
        flow.retries += 1
        return None

    answered, r = await poll_within(attempt, lambda r: r is not None, retry_for, pause=0.2, max_pause=2.0)
    return r if answered else None
