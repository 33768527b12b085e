"""A client of the running platform for e2e tests: tokens, JSON calls through the gateway, polling."""

import asyncio
import os
import uuid
from collections.abc import Callable

import httpx

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_testing.polling import poll_until
from tradeflow_testing.sse import stream_events


def token(sub: str, *roles: str) -> str:
    return TokenCodec(os.environ.get("TRADEFLOW_JWT_SECRET", DEV_JWT_SECRET)).mint(sub, list(roles))


def auth(sub: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(sub, *roles)}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


eventually = poll_until  # the e2e tests' name for it


class Platform:
    def __init__(self, client: httpx.AsyncClient, psp: httpx.AsyncClient) -> None:
        self.http, self.psp = client, psp
        self.staff = auth("staff-e2e", "staff")

    async def stock(self, sku: str, warehouse: str, on_hand: int, region: str = "east", priority: int = 1) -> None:
        r = await self.http.put(f"/inventory/warehouses/{warehouse}", json={"region": region, "priority": priority},
                                headers=self.staff)
        assert r.status_code in (200, 201), r.text
        r = await self.http.put(f"/inventory/stock/{sku}/{warehouse}", json={"on_hand": on_hand}, headers=self.staff)
        assert r.status_code in (200, 201), r.text

    async def stock_of(self, sku: str) -> dict:
        r = await self.http.get(f"/inventory/stock/{sku}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def place(self, buyer: str, body: dict, key: str | None = None) -> httpx.Response:
        headers = auth(buyer, "buyer") | {"Idempotency-Key": key or unique("key")}
        return await self.http.post("/orders", json=body, headers=headers)

    async def order(self, order_id: str) -> dict:
        r = await self.http.get(f"/orders/{order_id}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def saga(self, order_id: str) -> dict:
        r = await self.http.get(f"/orders/{order_id}/saga", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def wait_order(self, order_id: str, until: Callable[[dict], bool], what: str, timeout: float = 30) -> dict:
        return await eventually(lambda: self.order(order_id), until, timeout, what)

    async def wait_step(self, order_id: str, step: str, timeout: float = 30) -> dict:
        return await eventually(lambda: self.saga(order_id), lambda s: s["step"] == step, timeout, f"step {step}")

    async def start_payment(self, buyer: str, order_id: str) -> dict:
        """POST /payments, as right after placing as the caller likes: the service holds the
        request until the order is payable; only past its wait (409 not-payable-yet) is it asked
        again (polled, same key), for at most 30 s. The new attempt."""
        key = unique("pay")

        async def attempt() -> httpx.Response:
            return await self.http.post("/payments", json={"order_id": order_id},
                                        headers=auth(buyer, "buyer") | {"Idempotency-Key": key})

        r = await eventually(attempt, lambda r: not not_payable_yet(r), 30, f"order {order_id} payable")
        assert r.status_code == 201, f"POST /payments for {order_id}: {r.status_code} {r.text}"
        return r.json()

    async def follow_order(self, buyer: str, order_id: str, until: Callable[[dict], bool], timeout: float = 30,
                           last_event_id: str | None = None) -> list[dict]:
        """GET /orders/{id}/events as `buyer`: the events received until one satisfies `until`
        (or the server ends the stream), within `timeout` seconds."""
        headers = auth(buyer, "buyer") | ({"Last-Event-ID": last_event_id} if last_event_id else {})
        events: list[dict] = []
        async with asyncio.timeout(timeout), self.http.stream(
                "GET", f"/orders/{order_id}/events", headers=headers, timeout=httpx.Timeout(timeout)) as r:
            assert r.status_code == 200, (r.status_code, await r.aread())
            async for event in stream_events(r):
                events.append(event)
                if until(event):
                    break
        return events

    async def psp_decides(self, psp_reference: str, outcome: str) -> None:
        r = await self.psp.post(f"/sim/payments/{psp_reference}", json={"outcome": outcome})
        assert r.status_code in (200, 202), r.text

    async def payments_of(self, order_id: str) -> list[dict]:
        r = await self.http.get("/payments", params={"order_id": order_id}, headers=self.staff)
        assert r.status_code == 200, r.text
        body = r.json()
        return body["items"] if isinstance(body, dict) else body


def not_payable_yet(r: httpx.Response) -> bool:
    """The payment service's answer for an order that did not ask for payment within its wait."""
    return r.status_code == 409 and r.json().get("type", "").endswith("/not-payable-yet")


def line(sku: str, merchant: str, quantity: int, price: int) -> dict:
    """One order line as POST /orders takes it."""
    return {"sku": sku, "merchant_id": merchant, "quantity": quantity, "unit_price_amount": price}


def order_body(lines: list[dict], shipping: int = 0, discounts: list[dict] | None = None) -> dict:
    return {"channel": "app", "currency": "CNY",
            "receiver": {"name": "Li Lei", "phone": unique("138"), "region": "east", "city": "Shanghai",
                         "address": unique("1 Nanjing Rd")},
            "lines": lines, "shipping_amount": shipping, "discounts": discounts or []}
