"""The chaos load's channel clients (issue 13): two marketplace shops of the market simulator,
created at the start of the run as channels of their own (`setup_shops`: one `marketplace_push`,
one `marketplace_pull`, a credit limit far above what the run can use), their SKUs mapped to the
chaos catalog's — and their buyers paying orders there, as the shops' real buyers would:

* `channel_push` — a buyer of the push shop pays an order, in turn of the course or of goods
  (one unit of each chaos SKU, with a receiver); the shop pushes it (signed webhooks, retried by
  the simulator until a 2xx), the platform places it at zero, the goods go their way (the WMS and
  TMS simulators in auto mode) or the course is granted, and the order completes;
* `channel_pull` — the same through the pull shop's feed (the adapter's poller);
* `channel_refund` — a course bought in the push shop; once the platform granted it (the order's
  line has its entitlement), the shop refunds it: the platform revokes the course, no money moves.

Every DUPLICATE_EVERY-th channel flow tells its order twice (`duplicate: true`: a push twice with
the same msg_id, or two feed records). The market simulator is never killed (it keeps its shops in
memory). What the client saw is kept in `ChannelSeen` for the invariants (`chaos/channel_checks.py`);
the flow's `buyer` is the shop's member, its `status_code` the shop's answer (201: the shop took
the order, the platform owes it), its `order_id` the platform's order once the ledger named it.
"""

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from channel_desk import RECEIVER, ChannelDesk, new_phone
from platform_client import Platform, auth, unique

from chaos.retry import RETRY_FOR, retrying
from tradeflow_testing.polling import poll_within

if TYPE_CHECKING:
    from chaos.flows import ChaosCatalog, Flow
CHANNEL_PLANS = ("channel_push", "channel_pull", "channel_refund")
CREDIT_LIMIT = 10**12  # far above any run's orders: the credit never refuses one
DUPLICATE_EVERY = 4
PLACED_WAIT = 2 * RETRY_FOR  # a push retried with backoff across a kill may take a while
STAFF = auth("chaos-staff", "staff")
MARKET_URL = os.environ.get("TRADEFLOW_MARKET_SIMULATOR_URL", "http://127.0.0.1:8193")


@dataclass(frozen=True)
class Shops:
    push: str
    pull: str
    goods: tuple[tuple[str, int], ...]  # (shop sku, unit price): one unit of each chaos SKU
    course: tuple[str, int]
    statuses: dict[str, dict[str, str]]  # shop → its status word → the standard status

    @property
    def codes(self) -> tuple[str, str]:
        return self.push, self.pull


@dataclass
class ChannelSeen:
    shop: str
    goods: bool  # goods (shipped) or the course (granted)
    duplicate: bool
    lines: list[tuple[str, int, int]] = field(default_factory=list)  # (shop sku, quantity, unit price)
    external_order_id: str | None = None
    external_lines: list[str] = field(default_factory=list)  # the shop's line ids
    placed: bool = False  # the ledger showed it placed while the client watched
    refunded: bool = False  # the shop's refund of the course answered 201
    notes: list[str] = field(default_factory=list)

    @property
    def credit(self) -> int:
        """What the order holds of the channel's credit (the price list: the catalog's prices)."""
        return 0 if self.refunded else sum(q * p for _, q, p in self.lines)


async def setup_shops(platform: Platform, market: httpx.AsyncClient, catalog: "ChaosCatalog",
                      prices: tuple[int, int]) -> Shops:
    """A push shop and a pull shop of their own, configured as channels, their SKUs mapped to the
    chaos catalog's (`prices`: a unit's and the course's)."""
    desk = ChannelDesk(platform, market)
    codes = [await desk.shop(kind, credit_limit_amount=CREDIT_LIMIT)
             for kind in ("marketplace_push", "marketplace_pull")]
    goods = tuple((f"g{i}", prices[0]) for i in range(len(catalog.skus)))
    for code in codes:
        for (shop_sku, _), sku in zip(goods, catalog.skus, strict=True):
            await desk.mapped(code, shop_sku, sku)
        await desk.mapped(code, "course", catalog.course)
    statuses = {code: (await desk.channel(code))["vocabulary"]["statuses"] for code in codes}
    return Shops(codes[0], codes[1], goods, ("course", prices[1]), statuses)


def choose(flow: "Flow", shops: Shops, turn: int) -> ChannelSeen:
    """The order a channel flow's buyer pays (`turn`: how many channel flows came before)."""
    goods = flow.plan != "channel_refund" and (turn // len(CHANNEL_PLANS)) % 2 == 1
    shop = shops.pull if flow.plan == "channel_pull" else shops.push
    lines = [(sku, 1, price) for sku, price in shops.goods] if goods else [(*shops.course[:1], 1, shops.course[1])]
    return ChannelSeen(shop, goods, turn % DUPLICATE_EVERY == DUPLICATE_EVERY - 1, lines)


async def channel_flow(http: httpx.AsyncClient, market: httpx.AsyncClient, flow: "Flow") -> None:
    """The shop's buyer pays; the client watches the ledger until the platform placed the order, and
    for `channel_refund` refunds the course in the shop once it was granted."""
    seen: ChannelSeen = flow.channel
    body = {"member_id": flow.buyer, "phone": new_phone(), "receiver": RECEIVER if seen.goods else None,
            "duplicate": seen.duplicate, "lines": [{"channel_sku": s, "quantity": q, "unit_price_amount": p,
                                                    "paid_amount": q * p} for s, q, p in seen.lines]}
    r = await retrying(flow, lambda: market.post(f"/sim/market/{seen.shop}/orders", json=body))
    flow.status_code = r.status_code if r is not None else None
    if r is None or r.status_code != 201:
        seen.notes.append(f"the shop refused the order: {r.text[:200] if r is not None else 'no answer'}")
        return
    bought = r.json()
    seen.external_order_id, seen.external_lines = bought["order_id"], [ln["line_id"] for ln in bought["lines"]]
    record = await _ledger_until(http, flow, lambda x: x["status"] == "placed" and x["order_id"])
    if record is None:
        return
    flow.order_id, seen.placed = record["order_id"], True
    if flow.plan == "channel_refund":
        await _refund_once_granted(http, market, flow)


async def _ledger_until(http: httpx.AsyncClient, flow: "Flow", ready) -> dict | None:
    seen: ChannelSeen = flow.channel

    async def record() -> dict | None:
        r = await retrying(flow, lambda: http.get(f"/channels/{seen.shop}/orders/{seen.external_order_id}",
                                                  headers=STAFF), 10)
        return r.json() if r is not None and r.status_code == 200 else None

    found, last = await poll_within(record, lambda x: x is not None and bool(ready(x)), PLACED_WAIT, pause=0.5,
                                    max_pause=2.0)
    if not found:
        seen.notes.append(f"not placed within {PLACED_WAIT:g}s: {last and last['status']}")
    return last if found else None


async def _refund_once_granted(http: httpx.AsyncClient, market: httpx.AsyncClient, flow: "Flow") -> None:
    seen: ChannelSeen = flow.channel

    async def granted() -> bool:
        r = await retrying(flow, lambda: http.get(f"/orders/{flow.order_id}", headers=STAFF), 10)
        return r is not None and r.status_code == 200 and all(
            ln["entitlement_id"] for sub in r.json()["sub_orders"] for ln in sub["lines"])

    if not (await poll_within(granted, bool, PLACED_WAIT, pause=0.5, max_pause=2.0))[0]:
        seen.notes.append(f"the course not granted within {PLACED_WAIT:g}s: no refund")
        return
    body = {"lines": [{"line_id": seen.external_lines[0], "quantity": 1}], "amount": seen.lines[0][2],
            "refund_id": unique("chaos-refund")}
    r = await retrying(flow, lambda: market.post(f"/sim/market/{seen.shop}/orders/{seen.external_order_id}/refunds",
                                                 json=body))
    seen.refunded = r is not None and r.status_code == 201
    if not seen.refunded:
        seen.notes.append(f"the shop's refund: {r.text[:200] if r is not None else 'no answer'}")
