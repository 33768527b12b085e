"""Benchmark: orders per second from `POST /orders` to "awaiting shipment", with latency percentiles.

A steady open-loop load: every 1/rate seconds a new buyer places a two-line order through the
gateway (two SKUs of two merchants, priced by the server from the catalog), follows it
(GET /orders/{id}/events), pays right away (one POST /payments, held by the payment service until
the order is payable), has the PSP simulator decide, and is done when the stream says the order
is paid. Latency is from POST /orders to that event, so it includes the
client's own steps (as a real checkout would); nothing polls. Run by `make bench` on the local
stack; prints numbers, asserts nothing about speed: orders/s, latency, HTTP requests per order,
what each order cost (CPU ms per part of the stack, PostgreSQL commits, Kafka messages;
bench/costs.py) and that as a share of what the infrastructure can do (bench/ceiling.py).

`--lifecycle`: the same load carried on to `completed` — simulators in auto mode, each buyer
confirming receipt once every parcel is signed (bench/lifecycle.py).
"""

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import ceiling, costs, lifecycle
from platform_client import Platform, line, order_body, unique

RUN_DIR = Path(os.environ.get("TRADEFLOW_HOME", ".")) / ".local" / "run"
PAID = ("place-and-pay", "awaiting shipment", "POST /orders → the stream's awaiting_shipment event",
        "placed → paid (order history, includes the client paying)", "(targets: ≥ 100 orders/s; p99 ≤ 1 s at 60/s)")
COMPLETED = ("lifecycle", "completed", "POST /orders → the confirm-receipt answer (completed)",
             "placed → completed (order history, includes the client paying and confirming)", "")


async def one_order(platform: Platform, skus: tuple[str, str], index: int) -> tuple[float, float]:
    buyer = f"bench-buyer-{index}"
    started = time.perf_counter()
    placed = await platform.place(buyer, order_body([line(sku) for sku in skus]))
    placed.raise_for_status()
    order_id = placed.json()["id"]
    following = asyncio.create_task(platform.follow_order(
        buyer, order_id, lambda e: e["data"]["status"] in ("awaiting_shipment", "cancelled"), timeout=120))
    payment = await platform.start_payment(buyer, order_id)
    await platform.psp_decides(payment["psp_reference"], "succeed")
    events = await following
    seen = time.perf_counter() - started
    last = events[-1]["data"]
    if last["status"] != "awaiting_shipment":
        raise RuntimeError(f"order {order_id} ended {last['status']} ({last['event']})")
    placed_at = datetime.fromisoformat(placed.json()["created_at"])
    return seen, (datetime.fromisoformat(last["at"]) - placed_at).total_seconds()


async def _load(platform: Platform, skus: tuple[str, str], rate: float, seconds: float, first: int,
                order=one_order) -> list:
    """Offer `rate` orders per second for `seconds`, open loop; the results once all are done."""
    started, tasks = time.perf_counter(), []
    for i in range(int(rate * seconds)):
        until_due = max(0.0, started + i / rate - time.perf_counter())  # open-loop pacing of the load
        await asyncio.sleep(until_due)
        tasks.append(asyncio.create_task(order(platform, skus, first + i)))
    return await asyncio.gather(*tasks, return_exceptions=True)


async def bench(rates: list[float], seconds: float, warmup: float, gateway: str, psp: str, postgres: str,
                lifecycle_step: float | None = None) -> None:
    """One phase per rate (warm-up, then the measured window), one printed block each; to
    `completed` with the simulators auto-advancing every `lifecycle_step` seconds if given."""
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=200)  # a stream holds one each
    requests = Counter()
    hooks = {"request": [lambda request: _count(requests, request)]}
    limit = await ceiling.measure(postgres, os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
    print(limit.report())
    async with httpx.AsyncClient(base_url=gateway, timeout=60, limits=limits, event_hooks=hooks) as client, \
            httpx.AsyncClient(base_url=psp, timeout=60, limits=limits, event_hooks=hooks) as psp_client:
        platform = Platform(client, psp_client)
        skus = await _catalog(platform)
        if lifecycle_step is not None:
            await lifecycle.auto_advance(os.environ["TRADEFLOW_WMS_SIMULATOR_URL"],
                                         os.environ["TRADEFLOW_TMS_SIMULATOR_URL"], lifecycle_step)
        mode = PAID if lifecycle_step is None else COMPLETED
        first = 0
        for rate in rates:
            first = await _phase(platform, skus, rate, (seconds, warmup), postgres, first, requests, limit, mode)


async def _catalog(platform: Platform) -> tuple[str, str]:
    """Two SKUs of two fresh merchants (1999 with a 500 parcel fee, 999 shipped free), stocked
    without limit in one warehouse."""
    first, second, warehouse = unique("m-bench-1"), unique("m-bench-2"), unique("WH")
    await platform.freight(first, 500)
    return (await platform.product(first, 1999, 10_000_000, "BENCH-1", warehouse),
            await platform.product(second, 999, 10_000_000, "BENCH-2", warehouse))


async def _count(requests: Counter, request: httpx.Request) -> None:
    route = re.sub(r"/(ord|pay|psp)[-_][\w-]+", r"/{\1}", request.url.path)
    requests[f"{request.method} {route}"] += 1


async def _phase(platform: Platform, skus: tuple[str, str], rate: float, window: tuple[float, float],
                 postgres: str, first: int, requests: Counter, limit: ceiling.Ceiling, mode: tuple) -> int:
    """Warm up, measure and print one rate; the index of the next order."""
    (seconds, warmup), (name, goal, client_label, server_label, targets) = window, mode
    order = one_order if mode is PAID else lifecycle.one_order
    await _load(platform, skus, rate, warmup, first=first, order=order)  # warm caches, JIT and consumer groups
    first += int(rate * warmup)
    before, started = await costs.snapshot(RUN_DIR, postgres), time.perf_counter()
    requests.clear()
    results = await _load(platform, skus, rate, seconds, first=first, order=order)
    first += int(rate * seconds)
    elapsed, after = time.perf_counter() - started, await costs.snapshot(RUN_DIR, postgres)
    sent = dict(requests)
    done = [r for r in results if isinstance(r, tuple)]
    errors = [r for r in results if not isinstance(r, tuple)]
    print(f"{name}: offered {rate:g} orders/s for {seconds:g}s (after {warmup:g}s warm-up) → "
          f"{len(done)} reached {goal} "
          f"in {elapsed:.1f}s = {len(done) / elapsed:.1f} orders/s; errors {len(errors)}   {targets}")
    print(costs.report(before, after, len(done)))
    if statements := costs.statements_report(before, after, len(done), top=12):
        print(statements)
    if done:
        calls = sum(sent.values())
        print(f"  HTTP requests per order: {calls / len(results):.2f} ("
              + "  ".join(f"{route} {count / len(results):.2f}" for route, count in sorted(sent.items())) + ")")
        print(limit.share((after.commits - before.commits) / elapsed,
                          (sum(after.messages_by_family.values()) - sum(before.messages_by_family.values())) / elapsed))
    _percentiles(f"client: {client_label}", [c for c, _ in done])
    _percentiles(f"server: {server_label}", [s for _, s in done])
    for error in errors[:3]:
        print(f"  error: {type(error).__name__}: {error}")
    return first


def _percentiles(label: str, values: list[float]) -> None:
    if len(values) < 2:
        return
    q = statistics.quantiles(sorted(values), n=100)
    print(f"  {label}: p50 {q[49]:.3f}s  p95 {q[94]:.3f}s  p99 {q[98]:.3f}s  max {max(values):.3f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", "--rate", default="10",
                        help="orders offered per second, one phase per comma-separated rate, e.g. 10,60,120")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring")
    parser.add_argument("--lifecycle", action="store_true",
                        help="carry every order on to completed (WMS and TMS simulators in auto mode)")
    parser.add_argument("--step-seconds", type=float, default=0.2, help="the simulators' auto-mode step")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]
    asyncio.run(bench(rates, args.seconds, args.warmup, os.environ["TRADEFLOW_GATEWAY_URL"],
                      os.environ.get("TRADEFLOW_PSP_SIMULATOR_URL", "http://127.0.0.1:8190"),
                      os.environ["TRADEFLOW_POSTGRES_URL"], args.step_seconds if args.lifecycle else None))


if __name__ == "__main__":
    main()
