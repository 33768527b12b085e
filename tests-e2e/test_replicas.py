"""Replicas (issue 9 §6): order and inventory each run as two processes (`ORDER_REPLICAS=2
INVENTORY_REPLICAS=2`, as `make test` starts the stack) — two supervised parts on their own ports,
one database and one Kafka consumer group per service, both behind the gateway.

What must hold:
* both replicas of each do work: each serves HTTP requests through the gateway and consumes
  records (its own `/metrics`, read on its own port, counts both);
* the outbox relay has one leader per database: during a calm window only one replica of a
  service publishes, and every outbox row is published and in Kafka exactly once by message id;
* the deadline scheduler does not double-fire: an unpaid order moves to `closing_payment` once and
  sends one `ClosePayment`;
* no effect doubles: one order per placement, one reservation per line, stock arithmetic exact,
  one payment per paid order, every saga move made once;
* a replica killed -9 under load loses nothing: the gateway sends new requests to the other
  replica at once, and the chaos invariants (chaos/invariants.py) hold after the load.

Skipped, with the reason, when the stack runs fewer than two replicas of order or inventory.
"""

import asyncio
import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from chaos.invariants import SERVICE_DATABASES, database_url
from chaos.kills import in_turn
from chaos.scenario import run_chaos
from platform_client import auth, line, order_body, unique
from prometheus_client.parser import text_string_to_metric_families
from stack_parts import kill9, status, tradeflow_stack, wait_restarted

from tradeflow_contracts.payments import ClosePayment
from tradeflow_devstack.catalog import SERVICES
from tradeflow_testing.polling import poll_until
from tradeflow_testing.topics import partitions_of

REPLICATED = ("order", "inventory")
SPECS = {s.name: s for s in SERVICES}
REPLICAS = {name: SPECS[name].replicas for name in REPLICATED}

pytestmark = [pytest.mark.serial, pytest.mark.skipif(
    any(len(r) < 2 for r in REPLICAS.values()),
    reason="needs ORDER_REPLICAS=2 and INVENTORY_REPLICAS=2 on the stack (make test and make test-replicas set them)")]

PAYMENT_TIMEOUT = float(os.environ.get("ORDER_PAYMENT_TIMEOUT_SECONDS", "1800"))
PRICE_A, PRICE_B, SHIPPING = 1200, 800, 300
TOTAL = PRICE_A + 2 * PRICE_B + SHIPPING  # A's merchant charges SHIPPING; B's has no freight template


# --- observables ---------------------------------------------------------------------------------

OPERATIONAL = ("/ready", "/health", "/metrics", "/_ops", "/asyncapi", "/openapi", "/docs")
API_REQUESTS = "api requests"  # tradeflow_http_requests_total of the API's routes (not our scrapes)


async def counters(port: int) -> dict[str, float]:
    """The replica's own counters, summed over their labels (its `/metrics`, on its own port)."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    totals: Counter = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.endswith("_total"):
                totals[sample.name] += sample.value
            if sample.name == "tradeflow_http_requests_total" and not sample.labels["route"].startswith(OPERATIONAL):
                totals[API_REQUESTS] += sample.value
    return dict(totals)


async def all_counters() -> dict[str, dict[str, float]]:
    return {r.name: await counters(r.port) for rs in REPLICAS.values() for r in rs}


def grown(before: dict, after: dict, replica: str, counter: str) -> float:
    return after[replica].get(counter, 0) - before[replica].get(counter, 0)


async def fetch(service: str, sql: str, *args) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database_url(service))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def outbox_since(since: datetime) -> dict[str, list[asyncpg.Record]]:
    """Every service's outbox rows written since `since` (message id, topic, type, key, published)."""
    return {service: await fetch(service, "SELECT message_id, topic, type, key, published_at FROM outbox "
                                          "WHERE created_at >= $1", since)
            for service in SERVICE_DATABASES}


async def copies_in_kafka(topics: set[str], since: datetime) -> Counter:
    """How many records carry each `message_id` header on `topics`, from `since` (less a margin
    for the clocks) to the end of every partition."""
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    partitions = await partitions_of(bootstrap, sorted(topics))
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        if not partitions:
            return Counter()
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.offsets_for_times(
            {tp: int((since - timedelta(seconds=5)).timestamp() * 1000) for tp in partitions})
        remaining = set()
        for tp in partitions:
            start = starts[tp].offset if starts.get(tp) is not None else ends[tp]
            consumer.seek(tp, start)
            if start < ends[tp]:
                remaining.add(tp)
        seen: Counter = Counter()
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(*remaining, timeout_ms=500)).items():
                for record in records:
                    if record.offset < ends[tp]:
                        seen[dict(record.headers or ()).get("message_id", b"").decode()] += 1
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        assert not remaining, f"could not read {sorted(map(str, remaining))} to their end"
        return seen
    finally:
        await consumer.stop()


# --- flows -------------------------------------------------------------------------------------

async def products(platform, on_hand: int) -> tuple[str, str]:
    """SKU A (PRICE_A, its merchant's parcel SHIPPING) and B (PRICE_B, shipped free) of two fresh
    merchants, `on_hand` units of each in one warehouse."""
    merchant_a, warehouse = unique("m-rep-a"), unique("WH-REP")
    await platform.freight(merchant_a, SHIPPING)
    return (await platform.product(merchant_a, PRICE_A, on_hand, "SKU-REP-A", warehouse),
            await platform.product(unique("m-rep-b"), PRICE_B, on_hand, "SKU-REP-B", warehouse))


async def place(platform, buyer: str, a: str, b: str) -> str:
    placed = await platform.place(buyer, order_body([line(a, 1), line(b, 2)]))
    assert placed.status_code == 201, placed.text
    return placed.json()["id"]


async def flow(platform, plan: str, a: str, b: str) -> tuple[str, str]:
    """One buyer's order through its plan; (plan, order id) once the order has come to rest."""
    buyer = unique(f"buyer-rep-{plan}")
    order_id = await place(platform, buyer, a, b)
    if plan == "pay":
        payment = await platform.start_payment(buyer, order_id)
        await platform.psp_decides(payment["psp_reference"], "succeed")
        await platform.wait_order(order_id, lambda o: o["status"] == "awaiting_shipment", "paid", timeout=60)
    elif plan == "cancel":
        await platform.wait_step(order_id, "awaiting_payment", timeout=60)
        r = await platform.http.post(f"/orders/{order_id}/cancel", json={"reason": "replicas: changed my mind"},
                                     headers=auth(buyer, "buyer"))
        assert r.status_code == 200, r.text
        await platform.wait_order(order_id, lambda o: o["status"] == "cancelled", "cancelled", timeout=60)
    else:  # unpaid: the deadline scheduler (on either order replica) cancels it
        order = await platform.wait_order(order_id, lambda o: o["status"] == "cancelled", "timed out",
                                          timeout=PAYMENT_TIMEOUT + 60)
        assert order["cancel_reason"] == "payment deadline passed"
    return plan, order_id


# --- tests ---------------------------------------------------------------------------------------

async def test_each_replica_is_a_supervised_part_of_its_own_and_ready_on_its_own_port():
    parts = await status()
    async with httpx.AsyncClient(timeout=10) as client:
        for service, replicas in REPLICAS.items():
            pids = set()
            for replica in replicas:
                part = parts.get(replica.name)
                assert part and part["state"] == "running", f"{replica.name}: {part}"
                pids.add(part["pid"])
                ready = await client.get(f"http://127.0.0.1:{replica.port}/ready")
                assert ready.status_code == 200 and ready.json()["service"] == service, ready.text
            assert len(pids) == len(replicas), f"{service}: every replica is a process of its own"


async def test_the_restart_command_restarts_one_replica_only():
    replica = REPLICAS["inventory"][1]
    before = await status()
    code, out = await tradeflow_stack("restart", replica.name)
    assert code == 0, out
    after = await status()
    assert after[replica.name]["state"] == "running" and after[replica.name]["pid"] != before[replica.name]["pid"]
    assert after[replica.name]["restarts"] == before[replica.name]["restarts"] + 1
    assert all(after[n]["pid"] == p["pid"] for n, p in before.items() if n != replica.name), "only that replica"


async def test_both_replicas_work_the_relay_leads_once_and_no_effect_doubles(platform):
    plans = ["pay"] * 8 + ["cancel"] * 4 + (["unpaid"] * 4 if PAYMENT_TIMEOUT <= 30 else [])
    a, b = await products(platform, 1000)
    since = datetime.now(UTC)
    before = await all_counters()

    done = await asyncio.gather(*(flow(platform, plan, a, b) for plan in plans))
    for _ in range(6):  # stock reads: HTTP work for the inventory replicas beyond the staff's PUTs
        assert (await platform.stock_of(a))["on_hand"] == 1000
    by_plan = {plan: [o for p, o in done if p == plan] for plan in set(plans)}
    orders = [o for _, o in done]

    # Stock arithmetic exact: only the paid orders hold stock, one unit of A and two of B each.
    paid = len(by_plan["pay"])
    for sku, quantity in ((a, 1), (b, 2)):
        stock = await poll_until(lambda s=sku: platform.stock_of(s), lambda s, q=quantity: s["reserved"] == paid * q,
                                 60, f"{sku}: the cancelled orders' stock released")
        assert (stock["on_hand"], stock["reserved"]) == (1000, paid * quantity), stock

    # Every outbox row written meanwhile is published — and is in Kafka exactly once.
    outboxes = await poll_until(lambda: outbox_since(since),
                                lambda rows: all(r["published_at"] for rs in rows.values() for r in rs),
                                60, "every outbox row published")
    rows = [r for rs in outboxes.values() for r in rs]
    copies = await copies_in_kafka({r["topic"] for r in rows}, since)
    ids = [str(r["message_id"]) for r in rows]
    not_once = {i: copies[i] for i in ids if copies[i] != 1}
    assert not not_once, f"{len(not_once)} of {len(ids)} not in Kafka exactly once: {list(not_once.items())[:5]}"

    after = await all_counters()
    for service, replicas in REPLICAS.items():
        for r in replicas:
            assert grown(before, after, r.name, API_REQUESTS) > 0, f"{r.name} served no API request"
            assert grown(before, after, r.name, "tradeflow_messages_consumed_total") > 0, f"{r.name} consumed nothing"
        publishing = [r.name for r in replicas if grown(before, after, r.name, "tradeflow_outbox_published_total")]
        assert len(publishing) == 1, f"{service}: one relay leads per database, but {publishing or 'none'} published"

    # One order per placement, one reservation per line, one payment per paid order.
    found = await fetch("order", "SELECT id, status, payment_status FROM orders WHERE id = ANY($1::text[])", orders)
    assert len(found) == len(orders)
    reservations = Counter((r["order_id"], r["state"]) for r in await fetch(
        "inventory", "SELECT order_id, state FROM reservations WHERE order_id = ANY($1::text[])", orders))
    for plan, order_id in done:
        state = "active" if plan == "pay" else "released"
        held = {k: n for k, n in reservations.items() if k[0] == order_id}
        assert held == {(order_id, state): 2}, f"{plan} {order_id}: reservations {held}"
    assert sum(reservations.values()) == 2 * len(orders), "no reservation beyond one per line"
    payments = await fetch("payment", "SELECT order_id, amount, status FROM payments WHERE order_id = ANY($1::text[])",
                           orders)
    assert sorted((p["order_id"], p["amount"], p["status"]) for p in payments) == \
        sorted((o, TOTAL, "succeeded") for o in by_plan["pay"]), "one payment per paid order, none for the others"

    # Every saga move once; the deadline fired once per unpaid order, with one ClosePayment.
    moves = Counter((m["saga_id"], m["from_step"], m["to_step"]) for m in await fetch(
        "order", "SELECT saga_id, from_step, to_step FROM saga_moves WHERE saga_id = ANY($1::text[])", orders))
    assert [m for m, n in moves.items() if n > 1] == [], "a saga move made twice"
    closes = Counter(r["key"] for r in outboxes["order"] if r["type"] == ClosePayment.TYPE)
    for order_id in by_plan.get("unpaid", []):
        assert moves[(order_id, "awaiting_payment", "closing_payment")] == 1
        assert closes[order_id] == 1, f"{order_id}: {closes[order_id]} ClosePayment commands"


async def test_while_a_replica_is_down_the_gateway_sends_requests_to_the_other(platform):
    """A killed replica refuses connections: nginx passes each request to the other replica
    (`proxy_next_upstream error`) — no client sees the outage, not even a POST. (Killed: the
    second order replica and the FIRST inventory replica, the one a single-server upstream had.)"""
    a, b = await products(platform, 100)
    buyer = unique("buyer-rep-down")
    existing = await place(platform, buyer, a, b)
    victims = (REPLICAS["order"][1].name, REPLICAS["inventory"][0].name)
    before = await status()
    old_pids = {name: kill9(name) for name in victims}
    await poll_until(status, lambda ps: all(ps[n]["state"] != "running" for n in victims), 10,
                     f"the supervisor seeing {', '.join(victims)} gone")
    answers = []
    for _ in range(10):
        answers.append((await platform.http.get(f"/orders/{existing}", headers=auth(buyer, "buyer"))).status_code)
        answers.append((await platform.http.get(f"/inventory/stock/{a}", headers=platform.staff)).status_code)
    for _ in range(3):
        placed = await platform.place(unique("buyer-rep-down"), order_body([line(a, 1, PRICE_A)]))
        answers.append(placed.status_code)
    assert Counter(answers) == Counter({200: 20, 201: 3}), f"while {victims} were down: {Counter(answers)}"
    await asyncio.gather(*(wait_restarted(n, old_pids[n], before[n]["restarts"]) for n in victims))


async def test_killing_a_replica_of_each_under_load_loses_nothing(gateway_url):
    """Steady order flows (pay, cancel, unpaid, refund…) while one order replica and one inventory
    replica are killed -9 in turn: every accepted flow ends as it should, nothing lost or doubled,
    money and stock agree, outboxes drained, no dead letters (chaos/invariants.py)."""
    down = {n: p["state"] for n, p in (await status()).items() if p["state"] != "running"}
    assert not down, f"parts not running before the kills: {down}"
    kills = in_turn((REPLICAS["order"][1].name, REPLICAS["inventory"][0].name))
    outcome = await run_chaos(kills, rate=3, pause=4, max_seconds=120)  # the two kills end it first
    print(outcome.summary())
    assert not outcome.kills.not_recovered, outcome.summary()
    assert outcome.kills.count == 2, outcome.summary()
    assert sum(f.accepted for f in outcome.flows) >= 10, f"too few flows to prove anything\n{outcome.summary()}"
    assert outcome.report.ok, outcome.summary()
