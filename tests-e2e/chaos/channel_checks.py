"""What must hold of the chaos run's channel orders once it has settled (issue 13), from the
channel adapter's API (the ledger, the channel's credit, the sync-back calls), the market
simulator (what the shops took and were told) and the order and payment databases:

* **channel orders in the ledger once** — every order a shop took (each shop's count, and each
  flow's external order id) is in its channel's ledger (`GET /channels/{code}/orders`) exactly once,
  `placed` with its platform order — a duplicate push or feed record added nothing;
* **channel orders placed once** — each is exactly one platform order of `type` `channel` with
  that `external_order_id` on that channel, the one the ledger names; no external order id placed
  twice, no channel order the shops never took;
* **channel orders paid zero** — each placed channel order has one payment, of 0, succeeded, and
  no refund of any money; the order's paid and refunded amounts are 0;
* **channel orders ended** — each is at rest (paid and kept, its saga handed over and completed):
  how far its goods got is `chaos/delivery.py`'s question, the orders being among those it checks;
* **channel refunds revoke the course** — a course the shop refunded has one case, the channel's,
  `completed`, and every entitlement of the course revoked;
* **channel credit adds up** — each channel's `credit_used_amount` is the sum of its ledger
  orders' `credit_amount`, and each order holds what its lines cost (0 once refunded);
* **channel syncs acknowledged** — nothing is failing in `GET /channels/sync?failing=true` for the
  run's channels, and each order that was fulfilled was told to its shop (`/sim/market/{code}/synced`):
  shipped and delivered (goods) or delivered (the course), and completed once the order is.
"""

from collections import Counter
from dataclasses import dataclass

import httpx

from chaos.channels import STAFF, Shops
from chaos.delivery import KEPT
from chaos.report import Report
from chaos.rows import fetch

INVARIANTS = ("channel orders in the ledger once", "channel orders placed once", "channel orders paid zero",
              "channel orders ended", "channel refunds revoke the course", "channel credit adds up",
              "channel syncs acknowledged")
AT_REST = {(status, "handed_over", "completed") for status in KEPT}


@dataclass
class ChannelRun:
    """What the channel invariants need: the run's shops, the gateway's and the simulator's clients."""

    shops: Shops
    http: httpx.AsyncClient
    market: httpx.AsyncClient

    async def check(self, report: Report, flows: list) -> dict[str, dict]:
        return await check_channels(report, flows, self.shops, self.http, self.market)


async def check_channels(report: Report, flows: list, shops: Shops, http: httpx.AsyncClient,
                         market: httpx.AsyncClient) -> dict[str, dict]:
    """`flows`: the channel flows whose shop took the order. Returns the platform's channel orders
    (id → the order row the delivery and after-sales invariants read), for those to check too."""
    for invariant in INVARIANTS:
        report.holds(invariant)
    ledgers = {code: await _ledger(http, code) for code in shops.codes}
    took = (await market.get("/sim/market")).raise_for_status().json()["items"]
    for shop in (s for s in took if s["code"] in shops.codes):
        ours = sum(f.channel.shop == shop["code"] for f in flows)
        if shop["orders"] != ours or len(ledgers[shop["code"]]) != ours:
            report.breach("channel orders in the ledger once", f"shop {shop['code']} took {shop['orders']} orders, "
                                                               f"its flows {ours}, the ledger has "
                                                               f"{len(ledgers[shop['code']])}")
    rows = await _orders(list(shops.codes))
    for flow in flows:
        records = [x for x in ledgers[flow.channel.shop] if x["external_order_id"] == flow.channel.external_order_id]
        if flow.order_id is None and len(records) == 1:  # placed after its client stopped watching
            flow.order_id = records[0]["order_id"]
        check_channel_flow(report, flow, records, rows.get((flow.channel.shop, flow.channel.external_order_id), []))
    placed = {o["id"]: o for orders in rows.values() for o in orders}
    await _check_money(report, placed)
    for code in shops.codes:
        await _check_credit(report, http, code, ledgers[code], [f for f in flows if f.channel.shop == code])
        await _check_syncs(report, http, market, code, shops.statuses[code],
                           [f for f in flows if f.channel.shop == code], placed)
    return placed


def check_channel_flow(report: Report, flow, records: list[dict], orders: list[dict]) -> None:
    seen = flow.channel
    name = f"flow {flow.index} ({flow.plan}, {seen.shop}/{seen.external_order_id}, duplicate {seen.duplicate})"
    if len(records) != 1 or records[0]["status"] != "placed" or not records[0]["order_id"]:
        report.breach("channel orders in the ledger once",
                      f"{name}: ledger {[(x['id'], x['status'], x['order_id']) for x in records]} {seen.notes[-3:]}")
    if len(orders) != 1 or orders[0]["type"] != "channel" or \
            (records and orders[0]["id"] != records[0]["order_id"]):
        report.breach("channel orders placed once", f"{name}: platform orders {[(o['id'], o['type']) for o in orders]}"
                                                    f", the ledger names {[x['order_id'] for x in records]}")
    if not orders:
        return
    order = orders[0]
    report.final_states[f"channel {order['status']}/{order['payment_status']}"] += 1
    if (order["status"], order["step"], order["saga_state"]) not in AT_REST:
        report.breach("channel orders ended", f"{name}: {order['id']} {order['status']}/{order['payment_status']} "
                                              f"at step {order['step']} ({order['saga_state']})")


def check_refunded_courses(report: Report, flows: list, cases: dict[str, list], entitlements: dict[str, list]) -> None:
    """`cases`, `entitlements`: per order id, after-sales' cases and fulfillment's entitlements
    (`delivery_rows.Goods`)."""
    report.holds("channel refunds revoke the course")
    for flow in (f for f in flows if f.channel.refunded):
        name = f"flow {flow.index} ({flow.plan}, order {flow.order_id})"
        found = [(c["id"], c["type"], c["status"]) for c in cases.get(flow.order_id, [])]
        granted = [(e["id"], e["status"], e.get("revoke_case_id")) for e in entitlements.get(flow.order_id, [])]
        if len(found) != 1 or found[0][2] != "completed" or not granted \
                or any(status != "revoked" or by != found[0][0] for _, status, by in granted):
            report.breach("channel refunds revoke the course", f"{name}: cases {found}, entitlements {granted}")


async def _ledger(http: httpx.AsyncClient, code: str) -> list[dict]:
    items, cursor = [], None
    while True:
        r = await http.get(f"/channels/{code}/orders", params={"limit": 500} | ({"cursor": cursor} if cursor else {}),
                           headers=STAFF)
        page = r.raise_for_status().json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return items


async def _orders(codes: list[str]) -> dict[tuple[str, str], list[dict]]:
    rows = await fetch("order", "SELECT o.id, o.buyer_id, o.channel, o.external_order_id, o.type, o.status, "
                                "o.payment_status, o.paid_amount, o.refunded_amount, o.auto_confirm_at, s.step, "
                                "s.state AS saga_state FROM orders o JOIN sagas s ON s.id = o.id "
                                "WHERE o.channel = ANY($1::text[])", codes)
    found: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        found.setdefault((row["channel"], row["external_order_id"]), []).append(dict(row))
    return found


async def _check_money(report: Report, orders: dict[str, dict]) -> None:
    payments = await fetch("payment", "SELECT order_id, amount, status FROM payments WHERE order_id = ANY($1::text[])",
                           list(orders))
    refunds = await fetch("payment", "SELECT order_id, amount, status FROM refunds WHERE order_id = ANY($1::text[])",
                          list(orders))
    paid: dict[str, list] = {}
    for row in payments:
        paid.setdefault(row["order_id"], []).append((row["amount"], row["status"]))
    refunded = Counter()
    for row in refunds:
        refunded[row["order_id"]] += row["amount"]
    for order_id, order in orders.items():
        if paid.get(order_id) != [(0, "succeeded")] or refunded[order_id] or order["paid_amount"] \
                or order["refunded_amount"]:
            report.breach("channel orders paid zero", f"order {order_id} ({order['channel']}/"
                                                      f"{order['external_order_id']}): payments {paid.get(order_id)}, "
                                                      f"refunds {refunded[order_id]}, the order paid "
                                                      f"{order['paid_amount']}, refunded {order['refunded_amount']}")


async def _check_credit(report: Report, http: httpx.AsyncClient, code: str, ledger: list[dict], flows: list) -> None:
    used = (await http.get(f"/channels/{code}", headers=STAFF)).raise_for_status().json()["credit_used_amount"]
    held = sum(x["credit_amount"] for x in ledger)
    if used != held:
        report.breach("channel credit adds up", f"channel {code}: credit used {used}, its ledger orders hold {held}")
    by_external = {x["external_order_id"]: x["credit_amount"] for x in ledger}
    wrong = [(f.channel.external_order_id, by_external.get(f.channel.external_order_id), f.channel.credit)
             for f in flows if by_external.get(f.channel.external_order_id) != f.channel.credit]
    if wrong:
        report.breach("channel credit adds up", f"channel {code}: (order, credit held, its lines' cost) {wrong[:5]}")


async def _check_syncs(report: Report, http: httpx.AsyncClient, market: httpx.AsyncClient, code: str,
                       words: dict[str, str], flows: list, orders: dict[str, dict]) -> None:
    r = await http.get("/channels/sync", params={"failing": "true", "channel": code, "limit": 500}, headers=STAFF)
    failing = r.raise_for_status().json()["items"]
    if failing:
        first = [(s["key"], s["attempts"], s["last_error"]) for s in failing[:3]]
        report.breach("channel syncs acknowledged", f"channel {code}: {len(failing)} failing, e.g. {first}")
    synced = (await market.get(f"/sim/market/{code}/synced")).raise_for_status().json()["items"]
    told: dict[str, set[str]] = {}
    for call in synced:
        told.setdefault(call["order_id"], set()).add(words.get(call["status"], call["status"]))
    for flow in (f for f in flows if f.order_id in orders):
        due = {"shipped", "delivered"} if flow.channel.goods else {"delivered"}
        due |= {"completed"} if orders[flow.order_id]["status"] == "completed" else set()
        if not due <= told.get(flow.channel.external_order_id, set()):
            report.breach("channel syncs acknowledged", f"flow {flow.index} ({flow.plan}, {flow.order_id} "
                                                        f"{orders[flow.order_id]['status']}): the shop was told "
                                                        f"{sorted(told.get(flow.channel.external_order_id, []))}, "
                                                        f"{sorted(due)} due")
