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

    # --- the price book (order service, /catalog) ---------------------------------------------

    async def catalog(self, sku: str, merchant: str, price: int, kind: str = "physical", weight_grams: int = 0,
                      **fields) -> dict:
        """PUT /catalog/skus/{sku} as staff: the SKU belongs to `merchant` at `price` (CNY)."""
        body = {"merchant_id": merchant, "title": f"{sku} title", "unit_price_amount": price, "currency": "CNY",
                "kind": kind, "weight_grams": weight_grams, "volume_cm3": 0, "fragile": False, "oversize": False,
                "category": None} | fields
        r = await self.http.put(f"/catalog/skus/{sku}", json=body, headers=self.staff)
        assert r.status_code in (200, 201), f"PUT /catalog/skus/{sku}: {r.status_code} {r.text}"
        return r.json()

    async def product(self, merchant: str, price: int, on_hand: int = 10, prefix: str = "SKU",
                      warehouse: str | None = None, **fields) -> str:
        """A fresh SKU of `merchant` at `price` with `on_hand` units in a warehouse (a fresh one
        unless named); its code."""
        sku = unique(prefix)
        await self.catalog(sku, merchant, price, **fields)
        if on_hand:
            await self.stock(sku, warehouse or unique("WH"), on_hand)
        return sku

    async def freight(self, merchant: str, base: int, per_kg: int = 0, free_above: int | None = None,
                      regions: dict | None = None) -> dict:
        """PUT /catalog/freight-templates/{merchant} as staff."""
        body = {"base_amount": base, "per_kg_amount": per_kg, "free_above_amount": free_above,
                "regions": regions or {}}
        r = await self.http.put(f"/catalog/freight-templates/{merchant}", json=body, headers=self.staff)
        assert r.status_code in (200, 201), f"PUT /catalog/freight-templates/{merchant}: {r.status_code} {r.text}"
        return r.json()

    async def coupon(self, code: str, amount: int | None = None, percent: int | None = None, **rules) -> dict:
        """PUT /catalog/coupons/{code} as staff: `amount` off (fixed) or `percent` off; `rules` are
        min_spend_amount, merchant_id, skus, valid_from, valid_until, per_buyer_limit, total_quantity."""
        kind = "percent" if percent is not None else "fixed"
        body = {"kind": kind, "currency": "CNY"} | ({"percent": percent} if percent is not None
                                                    else {"amount": amount}) | rules
        r = await self.http.put(f"/catalog/coupons/{code}", json=body, headers=self.staff)
        assert r.status_code in (200, 201), f"PUT /catalog/coupons/{code}: {r.status_code} {r.text}"
        return r.json()

    async def grant_points(self, buyer: str, amount: int, reason: str = "e2e: a goodwill grant") -> dict:
        """POST /catalog/points/{buyer} as staff."""
        r = await self.http.post(f"/catalog/points/{buyer}", json={"amount": amount, "reason": reason},
                                 headers=self.staff | {"Idempotency-Key": unique("points")})
        assert r.status_code in (200, 201), f"POST /catalog/points/{buyer}: {r.status_code} {r.text}"
        return r.json()

    async def points(self, buyer: str, as_buyer: bool = True) -> dict:
        """GET /catalog/points/{buyer}, as the buyer themselves (or staff)."""
        r = await self.http.get(f"/catalog/points/{buyer}", headers=auth(buyer, "buyer") if as_buyer else self.staff)
        assert r.status_code == 200, f"GET /catalog/points/{buyer}: {r.status_code} {r.text}"
        return r.json()

    # --- orders ----------------------------------------------------------------------------------

    async def quote(self, buyer: str, body: dict) -> httpx.Response:
        """POST /orders/quote as the buyer: what placing `body` would cost."""
        return await self.http.post("/orders/quote", json=body, headers=auth(buyer, "buyer"))

    async def place(self, buyer: str, body: dict, key: str | None = None) -> httpx.Response:
        headers = auth(buyer, "buyer") | {"Idempotency-Key": key or unique("key")}
        return await self.http.post("/orders", json=body, headers=headers)

    async def place_for(self, buyer: str, body: dict, key: str | None = None) -> httpx.Response:
        """POST /orders as staff on behalf of `buyer` (explicit prices allowed)."""
        headers = self.staff | {"Idempotency-Key": key or unique("key")}
        return await self.http.post("/orders", json=body | {"buyer_id": buyer}, headers=headers)

    async def placed(self, buyer: str, body: dict) -> dict:
        """POST /orders that must be a 201: the order."""
        r = await self.place(buyer, body)
        assert r.status_code == 201, f"POST /orders: {r.status_code} {r.text}"
        return r.json()

    async def cancel(self, buyer: str, order_id: str, reason: str = "changed my mind",
                     key: str | None = None) -> httpx.Response:
        headers = auth(buyer, "buyer") | ({"Idempotency-Key": key} if key else {})
        return await self.http.post(f"/orders/{order_id}/cancel", json={"reason": reason}, headers=headers)

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


def line(sku: str, quantity: int = 1, shown_price: int | None = None) -> dict:
    """A buyer's order line as POST /orders takes it: the SKU and quantity; with `shown_price`, the
    unit price the page showed (the server refuses the order if the catalog says otherwise)."""
    return {"sku": sku, "quantity": quantity} | ({} if shown_price is None else {"unit_price_amount": shown_price})


def priced_line(sku: str, merchant: str, quantity: int, price: int, kind: str | None = None) -> dict:
    """A line with explicit prices, as staff on behalf of a buyer (or a channel) may send it."""
    return {"sku": sku, "merchant_id": merchant, "quantity": quantity, "unit_price_amount": price} | (
        {"kind": kind} if kind else {})


RECEIVER_REGION = "east"


def order_body(lines: list[dict], **fields) -> dict:
    """A POST /orders (or /orders/quote) body: a buyer's checkout of `lines` to a receiver in
    the east; `fields` adds or replaces members (type, delivery_method, invoice, coupon_codes,
    points_amount, expected_paid_amount — or, for staff, buyer_id, shipping_amount, discounts)."""
    return {"channel": "app", "currency": "CNY",
            "receiver": {"name": "Li Lei", "phone": unique("138"), "region": RECEIVER_REGION, "city": "Shanghai",
                         "address": unique("1 Nanjing Rd")},
            "lines": lines} | fields
