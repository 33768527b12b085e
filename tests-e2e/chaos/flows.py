"""The chaos load: order flows driven through the gateway as real clients would, while parts die.

A flow is one buyer (a fresh id, so every order found for that buyer belongs to this flow)
placing one order with an `Idempotency-Key` — one unit of each of two SKUs of two merchants and a
course (virtual goods) of a third, priced by the server from the catalog (`setup_catalog`:
UNIT_PRICE each, the course COURSE_PRICE, the first merchant's parcel SHIPPING, the others free),
with the run's coupon (COUPON_OFF, once per buyer) and POINTS points staff granted the buyer just
before — and then following its plan:

* `pay` — start a payment and have the PSP simulator succeed it; the goods then go their way
  (the WMS and TMS simulators in auto mode, `chaos/simulators.py`), the order completes by
  auto-confirm;
* `pay_confirm` — the same, and the buyer confirms receipt once every parcel is signed (watching
  GET /orders/{id} for up to RECEIPT_WAIT seconds; auto-confirm may come first);
* `lost_webhook` — the same, but the PSP never sends its webhook (`notify: false`): only asking
  the PSP tells the platform the buyer paid;
* `fail` — start a payment and have the PSP fail it; then nothing (the deadline cancels);
* `unpaid` — never pay (the deadline cancels);
* `cancel` — cancel before paying;
* `pay_cancel` — pay, wait until the order is paid, then cancel (a full refund is due);
* `pay_return`, `pay_refund` — pay, then one after-sales case (`chaos/cases.py`);
* `channel_push`, `channel_pull`, `channel_refund` — a marketplace shop's buyer pays there, the
  platform places it at zero (`chaos/channels.py`).

The `pay`, `lost_webhook` and `pay_cancel` buyers follow their order meanwhile as a checkout page
does (`GET /orders/{id}/events`): a stream cut by a kill is opened again with the `Last-Event-ID`
of the last event seen, and every event is kept, for the checker to compare with the history. A
buyer follows until the order is paid or cancelled for `follow_for` seconds (the run gives it as
long as the invariants may take to hold): an order the platform decides late, its deadlines run
on a busy machine, is still seen decided, and one never decided in that time is a breach.

Clients retry what is transient — a connection error, a timeout, any 5xx, 429 — with the SAME
`Idempotency-Key`, for up to `RETRY_FOR` seconds, as a real client would; a 4xx other than
that is the answer. What the client saw (201s, which PSP references it made succeed) is
recorded in the flow: the invariant checker compares it with the databases.
"""

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from platform_client import Platform, auth, line, not_payable_yet, order_body, unique

from chaos.cases import after_sales, choose
from chaos.channels import CHANNEL_PLANS, Shops, channel_flow
from chaos.channels import choose as choose_channel
from chaos.retry import RETRY_FOR, retrying
from tradeflow_testing.polling import poll_within
from tradeflow_testing.sse import stream_events

PLANS = ("pay", "pay_confirm", "lost_webhook", "fail", "unpaid", "cancel", "pay_cancel", "pay_return", "pay_refund",
         *CHANNEL_PLANS)
PLAN_MIX = ("pay", "channel_push", "pay_confirm", "fail", "channel_pull", "pay_return", "unpaid", "pay",
            "channel_refund", "cancel", "pay_cancel", "pay_refund", "lost_webhook")  # in turn
CASE_PLANS = ("pay_return", "pay_refund")
PAYING = ("pay", "pay_confirm", "lost_webhook", "pay_cancel", *CASE_PLANS)
RECEIPT_WAIT = 60.0
UNIT_PRICE, COURSE_PRICE, SHIPPING, COUPON_OFF, POINTS = 1999, 990, 500, 300, 200
ORDER_TOTAL = 2 * UNIT_PRICE + COURSE_PRICE + SHIPPING - COUPON_OFF - POINTS  # what every flow's checkout shows


@dataclass(frozen=True)
class ChaosCatalog:
    skus: tuple[str, str]  # the physical goods, `on_hand` units each in one warehouse
    course: str
    coupon: str
    on_hand: int


async def setup_catalog(platform: Platform, on_hand: int) -> ChaosCatalog:
    """Two fresh SKUs at UNIT_PRICE of two fresh merchants (the first charging SHIPPING a parcel,
    the second no freight template: free), `on_hand` units of each in one warehouse, a course
    (virtual) at COURSE_PRICE of a third, and a coupon of COUPON_OFF that each buyer may hold once."""
    first, second, third, warehouse = unique("m-chaos-1"), unique("m-chaos-2"), unique("m-chaos-3"), unique("WH")
    await platform.freight(first, SHIPPING)
    coupon = unique("CHAOS-OFF")
    await platform.coupon(coupon, COUPON_OFF, per_buyer_limit=1)
    skus = (await platform.product(first, UNIT_PRICE, on_hand, "SKU-CHAOS-1", warehouse),
            await platform.product(second, UNIT_PRICE, on_hand, "SKU-CHAOS-2", warehouse))
    course = await platform.product(third, COURSE_PRICE, 0, "COURSE-CHAOS", kind="virtual")
    return ChaosCatalog(skus, course, coupon, on_hand)


@dataclass
class Flow:
    index: int
    plan: str
    buyer: str
    key: str
    placed_at: float = 0.0
    status_code: int | None = None  # the final answer to POST /orders (201 = the platform owes us)
    order_id: str | None = None
    paid_references: list[str] = field(default_factory=list)  # the PSP accepted "succeed" for these
    failed_references: list[str] = field(default_factory=list)
    cancelled: bool = False  # our cancel was answered 200
    confirmed: bool = False  # our confirm-receipt was answered 200
    events: list[dict] = field(default_factory=list)  # the order's stream as seen: {"id", "status", "event", …}
    streams: int = 0  # event streams opened (1 + reconnects)
    followed: bool | None = None  # None: not followed; True: the stream reached paid or cancelled
    retries: int = 0
    notes: list[str] = field(default_factory=list)
    points_granted: int = 0  # what staff granted the buyer (answered 200) before the order
    case: Any = None  # CASE_PLANS: the after-sales case as the client saw it (`chaos.cases.CaseSeen`)
    channel: Any = None  # CHANNEL_PLANS: the shop's order as its client saw it (`chaos.channels.ChannelSeen`)

    @property
    def accepted(self) -> bool:
        return self.status_code == 201

    @property
    def money_taken(self) -> bool:
        return bool(self.paid_references)


class Load:
    """Open-loop flows at `rate` per second; each runs its plan to its end."""

    def __init__(self, http: httpx.AsyncClient, psp: httpx.AsyncClient, catalog: ChaosCatalog,
                 seed: int = 7, streams: httpx.AsyncClient | None = None,
                 shops: tuple[httpx.AsyncClient, Shops] | None = None, follow_for: float = RETRY_FOR) -> None:
        """`streams`: the client the event streams use (their own connections, as a browser's
        EventSource: long-lived streams must not starve the buyers' API calls); `http` by default.
        `shops`: the market simulator's client and the run's shops (the channel plans)."""
        self.http, self.psp, self.coupon, self.catalog, self.shops = http, psp, catalog.coupon, catalog, shops
        self.streams, self.follow_for = streams or http, follow_for
        self.lines = [line(sku, 1, UNIT_PRICE) for sku in catalog.skus] + [line(catalog.course, 1, COURSE_PRICE)]
        self.flows: list[Flow] = []
        self.random = random.Random(seed)

    async def run(self, rate: float, seconds: float, stop: asyncio.Event | None = None) -> list[Flow]:
        started, tasks, stop = time.monotonic(), [], stop or asyncio.Event()
        for i in range(int(rate * seconds)):
            with contextlib.suppress(TimeoutError):  # open-loop pacing: the next flow's start, or stop
                await asyncio.wait_for(stop.wait(), max(0.0, started + i / rate - time.monotonic()))
            if stop.is_set():
                break
            flow = Flow(len(self.flows), PLAN_MIX[len(self.flows) % len(PLAN_MIX)],
                        unique("chaos-buyer"), unique("chaos-key"))
            if flow.plan in CASE_PLANS:
                flow.case = choose(flow, self.catalog.skus, self.catalog.course, len(self.flows) // len(PLAN_MIX))
            elif flow.plan in CHANNEL_PLANS:
                flow.channel = choose_channel(flow, self.shops[1], sum(f.channel is not None for f in self.flows))
            self.flows.append(flow)
            tasks.append(asyncio.create_task(self._follow(flow)))
        await asyncio.gather(*tasks)
        return self.flows

    async def _follow(self, flow: Flow) -> None:
        try:
            if flow.channel is not None:
                await channel_flow(self.http, self.shops[0], flow)
                return
            await self._place(flow)
            if not flow.accepted:
                return
            following = None
            if flow.plan in PAYING:
                following = asyncio.create_task(self._follow_order(flow))
            if flow.plan in ("pay", "pay_confirm", "pay_cancel", *CASE_PLANS):
                await self._pay(flow, "succeed")
            elif flow.plan == "lost_webhook":
                await self._pay(flow, "succeed", notify=False)
            elif flow.plan == "fail":
                await self._pay(flow, "fail")
            elif flow.plan == "cancel":
                await self._cancel(flow)
            if following is not None:
                await following
            if flow.plan == "pay_cancel" and flow.money_taken and _paid(flow):
                await self._cancel(flow)
            if flow.plan == "pay_confirm" and flow.money_taken and _paid(flow):
                await self._confirm_receipt(flow)
            if flow.case is not None and flow.money_taken and _paid(flow):
                await after_sales(self.http, flow)
        except Exception as exc:  # a flow's own bug must not hide the others' results
            flow.notes.append(f"client error {type(exc).__name__}: {exc}")

    def _buyer(self, flow: Flow, key: str | None = None) -> dict[str, str]:
        return auth(flow.buyer, "buyer") | {"Idempotency-Key": key or flow.key}

    async def _place(self, flow: Flow) -> None:
        granted = await retrying(flow, lambda: self.http.post(
            f"/catalog/points/{flow.buyer}", json={"amount": POINTS, "reason": "chaos: welcome"},
            headers=auth("chaos-staff", "staff") | {"Idempotency-Key": f"{flow.key}-points"}))
        if granted is None or granted.status_code != 200:
            flow.notes.append(f"points not granted: {granted.status_code if granted else 'no answer'}")
            return
        flow.points_granted = POINTS
        body = order_body(self.lines, coupon_codes=[self.coupon],
                          points_amount=POINTS, expected_paid_amount=ORDER_TOTAL)  # as the checkout page showed
        flow.placed_at = time.time()
        r = await retrying(flow, lambda: self.http.post("/orders", json=body, headers=self._buyer(flow)))
        flow.status_code = r.status_code if r is not None else None
        if r is not None and r.status_code == 201:
            flow.order_id = r.json()["id"]

    async def _pay(self, flow: Flow, outcome: str, notify: bool = True) -> None:
        """Start a payment (new attempt → new key; a retry of one attempt keeps its key) and have
        the PSP decide it; a payment closed meanwhile (409) ends the plan."""
        async def attempt() -> bool:  # True: the plan's payment step is over
            key = unique("chaos-pay")
            r = await retrying(flow, lambda: self.http.post(
                "/payments", json={"order_id": flow.order_id}, headers=self._buyer(flow, key)))
            if r is not None and not_payable_yet(r):  # the order still reserving past the wait: ask again
                return False
            if r is None or r.status_code == 409:
                flow.notes.append("payment closed" if r is not None else "payment never started")
                return True
            if r.status_code != 201:
                return False
            reference = r.json()["psp_reference"]
            decided = await retrying(flow, lambda: self.psp.post(f"/sim/payments/{reference}",
                                                                 json={"outcome": outcome, "notify": notify}))
            if decided is not None and decided.status_code in (200, 202):
                (flow.paid_references if outcome == "succeed" else flow.failed_references).append(reference)
                return True
            flow.notes.append(f"psp refused {reference}: {decided.status_code if decided else 'down'}")
            return False

        await poll_within(attempt, bool, RETRY_FOR, pause=0.3, max_pause=0.3)

    async def _follow_order(self, flow: Flow) -> None:
        """Follow the order's event stream until it is paid or cancelled, opening it again after
        the last event seen whenever it breaks (polled, for up to `follow_for` seconds)."""
        async def follow() -> bool:
            last = {"Last-Event-ID": str(flow.events[-1]["id"])} if flow.events else {}
            flow.streams += 1
            try:
                async with self.streams.stream("GET", f"/orders/{flow.order_id}/events",
                                            headers=auth(flow.buyer, "buyer") | last,
                                            timeout=httpx.Timeout(10, read=30)) as r:
                    if r.status_code != 200:
                        flow.notes.append(f"events {r.status_code}")
                        return False
                    async for event in stream_events(r):
                        flow.events.append({"id": int(event["id"])} | event["data"])
                        if _settled(flow):
                            return True
            except httpx.TransportError as exc:
                flow.notes.append(f"events {type(exc).__name__}")
            return _settled(flow)

        try:
            async with asyncio.timeout(self.follow_for):  # a stream itself may stay open: bound it too
                followed, _ = await poll_within(follow, bool, self.follow_for, pause=0.3, max_pause=0.3)
        except TimeoutError:
            followed = False
        if not followed:
            flow.notes.append(f"stream undecided after {self.follow_for:g}s")
        flow.followed = followed

    async def _cancel(self, flow: Flow) -> None:
        key = unique("chaos-cancel")
        r = await retrying(flow, lambda: self.http.post(f"/orders/{flow.order_id}/cancel",
                                                        json={"reason": "chaos: changed my mind"},
                                                        headers=self._buyer(flow, key)))
        flow.cancelled = r is not None and r.status_code == 200
        if r is not None and r.status_code != 200:  # 202: a paid order's goods, fulfillment decides; 409: too late
            flow.notes.append(f"cancel {r.status_code}")

    async def _confirm_receipt(self, flow: Flow) -> None:
        """Once the order shows every parcel signed, confirm receipt (a 409 while it is not yet
        ready is asked again); done when confirmed or completed by auto-confirm first."""
        key, buyer = unique("chaos-confirm"), auth(flow.buyer, "buyer")

        async def confirmed() -> bool:
            r = await retrying(flow, lambda: self.http.get(f"/orders/{flow.order_id}", headers=buyer), 10)
            if r is None or r.status_code != 200:
                return False
            order = r.json()
            if order["status"] != "shipped" or not all(s["status"] == "signed" for s in order["shipments"]):
                return order["status"] in ("completed", "cancelled", "closed")
            r = await retrying(flow, lambda: self.http.post(f"/orders/{flow.order_id}/confirm-receipt",
                                                            headers=self._buyer(flow, key)), 10)
            flow.confirmed = r is not None and r.status_code == 200
            return flow.confirmed

        done, _ = await poll_within(confirmed, bool, RECEIPT_WAIT, pause=0.5, max_pause=1.0)
        if not done:
            flow.notes.append(f"receipt never confirmed: not all signed within {RECEIPT_WAIT:g}s")


def _settled(flow: Flow) -> bool:
    """The followed order is paid or cancelled (as far as its stream said)."""
    return bool(flow.events) and (flow.events[-1]["payment_status"] == "paid"
                                  or flow.events[-1]["status"] == "cancelled")


def _paid(flow: Flow) -> bool:
    return bool(flow.events) and flow.events[-1]["payment_status"] == "paid"
