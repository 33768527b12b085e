"""What one running marketplace simulator holds: its shops (two from the settings, more added by
tests), each push shop's webhook outbox, and an HTTP client — started and stopped with the app.

A push shop's webhooks go to `callback_url` with `{code}` replaced by its code, signed with the
shop's secret (`X-Channel-Timestamp`, `X-Channel-Signature`), retried with backoff until answered
2xx; one order's webhooks leave one at a time, in the order published (the shared ordered outbox,
on an in-memory SQLite database: nothing survives a restart). A pull shop appends its news to its
feed instead.
"""

import json
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Request

from tradeflow_simulators import book
from tradeflow_simulators.deliveries import OrderedDeliveries
from tradeflow_simulators.market.settings import MarketSimSettings
from tradeflow_simulators.market.shape_a import ShapeA
from tradeflow_simulators.market.shape_b import ShapeB
from tradeflow_simulators.market.shape_c import ShapeC
from tradeflow_simulators.market.shop import SHOP_CODE, Shape, Shop, ShopConflict, UnknownShop
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.webhooks import Delivery, WebhookDispatcher

CHANNEL_SIGNATURE = SignatureScheme("Channel")
"""`X-Channel-Timestamp` / `X-Channel-Signature`: the shops' pushes and our calls to them."""
SHAPES = {Shape.PUSH: ShapeA(), Shape.PULL: ShapeB(), Shape.ERP: ShapeC()}


class MarketState:
    def __init__(self, settings: MarketSimSettings) -> None:
        self.settings = settings
        self.shops: dict[str, Shop] = {}
        self._outboxes: dict[str, WebhookDispatcher] = {}
        self._db: sqlite3.Connection | None = None
        self._client: httpx.AsyncClient | None = None
        self.add_shop(settings.push_code, Shape.PUSH, settings.push_secret.get_secret_value())
        self.add_shop(settings.pull_code, Shape.PULL, settings.pull_secret.get_secret_value())

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return self._client

    def shop(self, code: str) -> Shop:
        if code not in self.shops:
            raise UnknownShop(f"no shop {code}; the shops are {sorted(self.shops)}")
        return self.shops[code]

    def shape(self, shop: Shop) -> ShapeA | ShapeB | ShapeC:
        return SHAPES[shop.shape]

    def add_shop(self, code: str, shape: Shape, secret: str) -> tuple[Shop, bool]:
        """The shop `code` (and whether it is new); the same again is the same shop, other details 409."""
        if not SHOP_CODE.fullmatch(code):
            raise ShopConflict(f"a shop code is 1-32 lowercase letters, digits, - and _: {code!r}", field="code")
        if code in self.shops:
            shop = self.shops[code]
            if (shop.shape, shop.secret) != (shape, secret):
                raise ShopConflict(f"shop {code} exists with another shape or secret")
            return shop, False
        self.shops[code] = shop = Shop(code, shape, secret)
        if self._client is not None:
            self._open_outbox(shop)
        return shop, True

    def publish(self, shop: Shop, order_id: str, news: dict, *, duplicate: bool = False) -> list[dict]:
        """Tell the news: a push shop queues its webhook (twice, the same `msg_id`, when
        `duplicate`), a pull shop adds it to its feed (two records). Returns what was published."""
        published = []
        for _ in range(2 if duplicate else 1):
            if shop.shape is Shape.PULL:
                published.append(shop.add_to_feed(news))
            else:
                published.append(self._push(shop, order_id, news))
        return published

    def pushes(self, shop: Shop, order_id: str | None) -> list[dict]:
        outbox = self._outboxes.get(shop.code)
        return [] if outbox is None else [d.describe("order_id") for d in outbox.store.listing(order_id)]

    def _push(self, shop: Shop, order_id: str, news: dict) -> dict:
        outbox = self._outboxes.get(shop.code)
        if outbox is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        now, body = time.time(), json.dumps(news, separators=(",", ":")).encode()
        push_id, event = (news[key] for key in self.shape(shop).push_keys)
        delivery = Delivery(f"dlv_{uuid.uuid4().hex}", push_id, event, order_id,
                            self.settings.webhook_url(shop.code), body, now, next_attempt_at=now)
        outbox.send(delivery)
        return news

    def _open_outbox(self, shop: Shop) -> None:
        if shop.shape is Shape.PULL or self._db is None or self._client is None:
            return
        store = OrderedDeliveries(self._db, f"pushes_{len(self._outboxes) + 1}")
        outbox = WebhookDispatcher(store, self._client, shop.secret, CHANNEL_SIGNATURE, self.settings.retry_policy)
        outbox.start()
        self._outboxes[shop.code] = outbox

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self._db = book.connect(book.MEMORY)
        try:
            async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds) as client:
                self._client = client
                for shop in self.shops.values():
                    self._open_outbox(shop)
                try:
                    yield
                finally:
                    for outbox in self._outboxes.values():
                        await outbox.aclose()
                    self._outboxes.clear()
                    self._client = None
        finally:
            self._db.close()
            self._db = None


def market_state(request: Request) -> MarketState:
    return request.app.state.market
