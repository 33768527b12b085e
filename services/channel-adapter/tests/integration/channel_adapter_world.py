"""The channel adapter as its integration tests drive it: on a migrated database of its own, the app
as bootstrap builds it, over HTTP (httpx's ASGI transport; its lifespan — Kafka, the sync-back and
poll jobs — is not run), with a clock the test moves. Consumed messages are delivered as the
consumer would (the message's use case from `USE_CASES`, in a transaction of its own); what the
service publishes is read from its outbox; the sync-back and poll jobs are run a round at a time
with the real HTTP client (`HttpChannelCalls`) against a real server.

Pushes are signed as a channel signs them (`tradeflow_simulators.signing`, `X-Channel-*`) with the
test clock's time, so a push is fresh or stale as the clock says. The clock starts at the real time
because the marketplace simulator (`Market`) checks our signed calls against the real time.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx
from sqlalchemy import select

from tradeflow_channel_adapter.adapters import tables
from tradeflow_channel_adapter.adapters.channel_http import HttpChannelCalls
from tradeflow_channel_adapter.app.handlers import USE_CASES
from tradeflow_channel_adapter.app.poll import poll_channels
from tradeflow_channel_adapter.app.sync_back import Backoff, send_due
from tradeflow_channel_adapter.bootstrap import build_app
from tradeflow_channel_adapter.settings import Settings
from tradeflow_contracts import channels as ch
from tradeflow_contracts.after_sales import CaseStatusChanged, CaseUnits
from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.order_facts import CatalogSkuChanged, OrderChanged, OrderLineFacts, ShipmentFacts
from tradeflow_contracts.orders import Receiver
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_testing.access import bearer

STAFF = bearer("staff-1", "staff")
SIGNATURE = SignatureScheme("Channel")
SECRET = "push-secret-of-shop-a"
SHAPE_A = {"WAIT_SELLER_SEND_GOODS": "paid", "WAIT_BUYER_CONFIRM_GOODS": "shipped", "TRADE_BUYER_SIGNED": "delivered",
           "TRADE_FINISHED": "completed", "TRADE_CLOSED": "cancelled", "TRADE_CLOSED_BY_REFUND": "refunded"}
SHAPE_B = {"PAID": "paid", "SHIPPED": "shipped", "DELIVERED": "delivered", "COMPLETED": "completed",
           "CANCELED": "cancelled", "REFUNDED": "refunded"}
PUSH = {"kind": "marketplace_push", "secret": SECRET, "currency": "CNY",
        "vocabulary": {"statuses": SHAPE_A, "carriers": {"SF": "SFEXPRESS"}, "money": "decimal", "address": "joined"}}
PULL = {"kind": "marketplace_pull", "secret": "pull-secret-of-shop-b", "currency": "CNY",
        "vocabulary": {"statuses": SHAPE_B, "money": "minor", "address": "split"}}
OFFLINE = {"kind": "offline", "secret": "offline-secret-unused", "currency": "CNY"}
SETTINGS = {"webhook_tolerance_seconds": 300, "sync_first_backoff_seconds": 2, "sync_max_backoff_seconds": 60,
            "channel_timeout_seconds": 5}
BACKOFF = Backoff(timedelta(seconds=2), timedelta(seconds=60))


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def paid(tid: str, *lines: tuple[str, str, int, str, str], member: str = "u-1", phone: str | None = "13800138000",
         address: str | None = None) -> dict[str, Any]:
    """Shape A's `TradeBuyerPay`: lines (oid, outer_sku_id, num, price, payment) in yuan; goods go to
    `address` ("<region> <city> <street>"), none for courses."""
    return {"msg_id": f"msg-{tid}", "event": "TradeBuyerPay", "tid": tid, "status": "WAIT_SELLER_SEND_GOODS",
            "buyer_open_uid": member, "receiver_mobile": phone, "currency": "CNY", "pay_time": "2026-12-06 13:29:15",
            "receiver_name": "Li Lei" if address else None, "receiver_address": address,
            "orders": [{"oid": oid, "outer_sku_id": sku, "num": num, "price": price, "payment": payment}
                       for oid, sku, num, price, payment in lines or [(f"{tid}01", "TB-1", 1, "100.00", "90.00")]]}


def refund(refund_id: str, tid: str, *lines: tuple[str, int], fee: str = "10.00") -> dict[str, Any]:
    return {"event": "RefundSuccess", "refund_id": refund_id, "tid": tid, "refund_fee": fee, "reason": "broken",
            "items": [{"oid": oid, "num": num} for oid, num in lines]}


def close(tid: str) -> dict[str, Any]:
    return {"event": "TradeClose", "tid": tid, "status": "TRADE_CLOSED", "close_reason": "buyer cancelled"}


def placed(received: dict[str, Any], order_id: str) -> ch.ChannelOrderPlaced:
    """The order service's answer to a published `ChannelOrderReceived` (its payload): line i → `<order>-L<i>`."""
    return ch.ChannelOrderPlaced(
        channel_order_id=received["channel_order_id"], channel=received["channel"],
        external_order_id=received["external_order_id"], order_id=order_id,
        lines=[ch.PlacedLine(external_line_id=ln["external_line_id"], line_id=f"{order_id}-L{i + 1}")
               for i, ln in enumerate(received["lines"])], at=datetime.now(UTC))


def facts(received: dict[str, Any], order_id: str, status: str, version: int, *,
          shipments: list[ShipmentFacts] = (), kind: str = "virtual", **line: Any) -> OrderChanged:
    """The order service's facts of the placed channel order (lines as `placed` numbered them)."""
    lines = [OrderLineFacts(line_id=f"{order_id}-L{i + 1}", sub_order_id=f"{order_id}-S", merchant_id="m-1",
                            sku=ln["sku"], kind=kind, quantity=ln["quantity"], unit_price_amount=0, paid_amount=0,
                            **line) for i, ln in enumerate(received["lines"])]
    return OrderChanged(order_id=order_id, version=version, buyer_id=received["buyer_id"], type="channel",
                        channel=received["channel"], currency="CNY", status=status,
                        receiver=Receiver(name="Li Lei", phone="13800138000", region="Zhejiang", city="Hangzhou",
                                          address="2 West Lake Rd"),
                        lines=lines, changed_at=datetime.now(UTC), external_order_id=received["external_order_id"],
                        shipments=list(shipments))


def case_moved(case: dict[str, Any], to_status: str, *, open_: bool = False, reason: str | None = None
               ) -> CaseStatusChanged:
    """After-sales tells how a published `OpenChannelCase` (its payload) moved."""
    return CaseStatusChanged(case_id=case["case_id"], order_id=case["order_id"], type="refund_only",
                             from_status="opened", to_status=to_status, open=open_, refund_amount=0,
                             lines=[CaseUnits(line_id=ln["line_id"], quantity=ln["quantity"]) for ln in case["lines"]],
                             at=datetime.now(UTC), reason=reason)


@dataclass
class World:
    http: httpx.AsyncClient
    app: Any
    clock: Clock
    _versions: count = field(default_factory=lambda: count(1))
    _calls: HttpChannelCalls | None = None

    @property
    def c(self):
        return self.app.state.api.c

    @property
    def transactions(self):
        return self.app.state.api.transactions

    @property
    def calls(self) -> HttpChannelCalls:
        """The service's real HTTP client of channels."""
        if self._calls is None:
            self._calls = HttpChannelCalls(self.clock, SETTINGS["channel_timeout_seconds"])
        return self._calls

    async def channel(self, code: str, config: dict[str, Any] = PUSH, **more: Any) -> dict[str, Any]:
        r = await self.http.put(f"/channels/{code}", json=config | more, headers=STAFF)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def selling(self, code: str, config: dict[str, Any], *goods: tuple[str, str, int, str]) -> "World":
        """Channel `code` configured, and each of its goods — (channel SKU, local SKU, base price,
        kind) — told by the catalog and mapped."""
        await self.channel(code, config)
        for channel_sku, sku, price, kind in goods:
            await self.sku(sku, price, kind=kind)
            await self.map(code, channel_sku, sku)
        return self

    async def sku(self, sku: str, price: int, *, kind: str = "virtual", currency: str = "CNY") -> None:
        """The catalog tells the SKU (CatalogSkuChanged, a new version each time)."""
        await self.feed(CatalogSkuChanged(sku=sku, version=next(self._versions), merchant_id="m-1", title=sku,
                                          kind=kind, unit_price_amount=price, currency=currency,
                                          changed_at=self.clock.now()))

    async def map(self, code: str, channel_sku: str, sku: str) -> None:
        r = await self.http.put(f"/channels/{code}/sku-map/{channel_sku}", json={"sku": sku}, headers=STAFF)
        assert r.status_code == 200, r.text

    async def push(self, code: str, body: Any = None, *, raw: bytes | None = None, secret: str = SECRET,
                   at: datetime | None = None) -> httpx.Response:
        """A channel's webhook, signed at `at` (now by default)."""
        content = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
        headers = SIGNATURE.headers(secret, int((at or self.clock.now()).timestamp()), content)
        return await self.http.post(f"/channels/{code}/webhooks", content=content, headers=headers)

    async def pushed(self, code: str, body: Any) -> dict[str, Any]:
        """A push answered 200: its one receipt."""
        r = await self.push(code, body)
        assert r.status_code == 200, r.text
        [receipt] = r.json()["received"]
        return receipt

    async def feed(self, message) -> None:
        """A consumed message, handled as the consumer would (its use case, a transaction of its own)."""
        async with self.transactions.begin() as tx:
            await USE_CASES[type(message)](tx, message, self.c)

    async def sent(self, type_name: str | None = None) -> list[Envelope]:
        """What the service published (its outbox), oldest first; of one type if named."""
        rows = await self.rows(tables.outbox, order_by=tables.outbox.c.id)
        envelopes = [Envelope.from_bytes(row["value"]) for row in rows]
        return [e for e in envelopes if type_name is None or e.type == type_name]

    async def received(self) -> list[dict[str, Any]]:
        """The payloads of the ChannelOrderReceived published, oldest first."""
        return [e.payload for e in await self.sent("channel.order-received")]

    async def place(self, external_order_id: str, order_id: str, *, paid: bool = True) -> dict[str, Any]:
        """The order service placed the published order (`ChannelOrderPlaced` fed) and, when `paid`,
        told its first facts (version 0, paid zero at once: awaiting shipment); its received payload."""
        [received] = [r for r in await self.received() if r["external_order_id"] == external_order_id]
        await self.feed(placed(received, order_id))
        if paid:
            await self.feed(facts(received, order_id, "awaiting_shipment", 0))
        return received

    async def rows(self, table, *where, order_by=None) -> list[dict[str, Any]]:
        async with self.transactions.read() as tx:
            query = select(table).where(*where).order_by(*([order_by] if order_by is not None else table.primary_key))
            return [dict(row) for row in (await tx.session.execute(query)).mappings()]

    async def ledger(self, code: str) -> list[dict[str, Any]]:
        """The channel's orders in the ledger, by external order id."""
        rows = await self.rows(tables.channel_orders, tables.channel_orders.c.channel == code)
        return sorted(rows, key=lambda r: r["external_order_id"])

    async def credit_used(self, code: str) -> int:
        """The channel's credit used, as staff read it."""
        return (await self.get(f"/channels/{code}"))["credit_used_amount"]

    async def get(self, path: str, **params: Any) -> Any:
        r = await self.http.get(path, params=params, headers=STAFF)
        assert r.status_code == 200, r.text
        return r.json()

    async def send_due(self) -> int:
        """One round of the sync-back job."""
        return await send_due(self.transactions, self.calls, BACKOFF, self.clock)

    async def poll(self, **options: Any) -> int:
        """One round of the poller."""
        return await poll_channels(self.transactions, self.calls, self.c, **options)


@asynccontextmanager
async def channel_adapter(database_url: str, clock: Clock | None = None) -> AsyncIterator[World]:
    """The service on `database_url` (already migrated); a second one on the same database is a restart."""
    clock = clock or Clock()
    app = build_app(Settings(database_url=database_url, **SETTINGS), clock=clock)
    world = None
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://channel-adapter") as http:
            world = World(http, app, clock)
            yield world
    finally:
        if world is not None and world._calls is not None:
            await world._calls.close()
        await app.state.runtime.stop()
