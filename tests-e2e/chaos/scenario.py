"""One chaos run: steady order load through the gateway while the schedule kills parts, then the
invariants polled with a deadline until they hold (or the deadline tells what did not).

The WMS and TMS simulators run in auto mode meanwhile (switched on again whenever one comes back
from a kill), so paid orders go on to shipped and completed; the mode each was in before is
restored at the end (the e2e tests that follow drive them by hand). Two marketplace shops of the
market simulator (never killed: it keeps its shops in memory) are made channels of their own at the
start, for the channel plans (`chaos/channels.py`)."""

import asyncio
import contextlib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from platform_client import Platform

from chaos.channel_checks import ChannelRun
from chaos.channels import CHANNEL_PLANS, MARKET_URL, setup_shops
from chaos.delivery import Delivery
from chaos.flows import CASE_PLANS, COURSE_PRICE, PLANS, UNIT_PRICE, Flow, Load, setup_catalog
from chaos.invariants import Report, check
from chaos.kills import Kills, unleash
from chaos.retry import RETRY_FOR
from chaos.simulators import Simulators
from tradeflow_testing.polling import poll_within


@dataclass
class Outcome:
    flows: list[Flow]
    kills: Kills
    report: Report
    load_seconds: float
    settle_seconds: float

    def summary(self) -> str:
        accepted = [f for f in self.flows if f.accepted]
        plans = Counter(f.plan for f in accepted)
        unanswered = [f for f in self.flows if f.status_code is None]
        refused = Counter(f.status_code for f in self.flows if f.status_code not in (None, 201))
        return "\n".join([
            f"chaos: {len(self.flows)} flows offered in {self.load_seconds:.0f}s, {len(accepted)} got 201 "
            f"({', '.join(f'{p} {plans[p]}' for p in PLANS)}); {len(unanswered)} never answered within the "
            f"clients' retries, refused {dict(refused) or 0}; client retries {sum(f.retries for f in self.flows)}",
            f"  {self.kills.summary()}",
            f"  event streams: {sum(f.followed is not None for f in self.flows)} orders followed, "
            f"{sum(max(0, f.streams - 1) for f in self.flows)} streams opened again after a break, "
            f"{sum(len(f.events) for f in self.flows)} events seen; receipts confirmed by the buyer "
            f"{sum(f.confirmed for f in self.flows)} of {plans['pay_confirm']}",
            f"  after-sales clients: {_cases_seen(accepted)}",
            f"  channel clients: {_channels_seen(self.flows)}",
            f"  settled in {self.settle_seconds:.0f}s; {self.report.summary()}",
        ])


def _cases_seen(flows: list[Flow]) -> str:
    """Per case plan: cases opened (201), approved, return parcels reported, and each case's last status
    as its client saw it."""
    parts = []
    for plan in CASE_PLANS:
        seen = [f.case for f in flows if f.plan == plan and f.case is not None]
        paid = [f.case for f in flows if f.plan == plan and f.case is not None and f.events
                and f.events[-1]["payment_status"] == "paid"]
        opened = [c for c in seen if c.case_id]
        last = Counter(c.last_status for c in opened)
        parts.append(f"{plan} {len(opened)} opened of {len(paid)} paid ({len(seen)} offered), "
                     f"{sum(c.approved for c in opened)} approved, "
                     f"{sum(c.parcel_reported for c in opened)} parcels reported, last seen {dict(last)}")
    return "; ".join(parts)


def _channels_seen(flows: list[Flow]) -> str:
    """Per channel plan: orders the shop took, told twice, seen placed by the client, refunded by the shop."""
    parts = []
    for plan in CHANNEL_PLANS:
        seen = [f.channel for f in flows if f.plan == plan and f.accepted]
        parts.append(f"{plan} {len(seen)} taken ({sum(s.goods for s in seen)} goods, {sum(s.duplicate for s in seen)}"
                     f" told twice), {sum(s.placed for s in seen)} seen placed, {sum(s.refunded for s in seen)} "
                     "refunded by the shop")
    return "; ".join(parts)


async def run_chaos(schedule: Iterator[str], rate: float, pause: float, max_seconds: float,
                    settle_timeout: float = 150) -> Outcome:
    """Offer `rate` flows/s while `schedule` kills parts (`pause` s of calm before each kill), for at
    most `max_seconds` (less when the schedule ends); then poll the invariants for `settle_timeout` s."""
    gateway = os.environ["TRADEFLOW_GATEWAY_URL"]
    psp_url = os.environ.get("TRADEFLOW_PSP_SIMULATOR_URL", "http://127.0.0.1:8190")
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    since_ms = int(time.time() * 1000)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=gateway, timeout=10, limits=limits) as http, \
            httpx.AsyncClient(base_url=psp_url, timeout=10, limits=limits) as psp, \
            httpx.AsyncClient(timeout=10) as simulators_http, \
            httpx.AsyncClient(base_url=MARKET_URL, timeout=10) as market, \
            httpx.AsyncClient(base_url=gateway, timeout=10, limits=httpx.Limits(max_connections=None)) as streams:
        catalog = await setup_catalog(Platform(http, psp), 1_000_000)
        shops = await setup_shops(Platform(http, psp), market, catalog, (UNIT_PRICE, COURSE_PRICE))
        load = Load(http, psp, catalog, streams=streams, shops=(market, shops),
                    follow_for=max(RETRY_FOR, settle_timeout))  # an order decided late is still seen decided
        kills, stop = Kills(), asyncio.Event()
        simulators = Simulators(simulators_http, kills)
        modes = await simulators.auto(True)
        try:
            started = time.monotonic()
            flows_task = asyncio.create_task(load.run(rate, max_seconds, stop))
            chaos_task = asyncio.create_task(unleash(schedule, kills, stop, pause, revived=simulators.revive))
            await asyncio.wait({chaos_task}, timeout=max_seconds)
            stop.set()
            await chaos_task  # the last part killed is back (or given up on)
            load_seconds = time.monotonic() - started
            flows = await flows_task
            settling = time.monotonic()
            report = await _settled(flows, since_ms, bootstrap, settle_timeout,
                                    Delivery(catalog.skus, catalog.on_hand, simulators),
                                    ChannelRun(shops, http, market))
        finally:
            for part, auto in modes.items():
                with contextlib.suppress(httpx.HTTPError):  # a simulator down at the end: keep the first error
                    await simulators.auto(auto, (part,))
    return Outcome(flows, kills, report, load_seconds, time.monotonic() - settling)


async def _settled(flows: list[Flow], since_ms: int, bootstrap: str, timeout: float, delivery: Delivery,
                   channels: ChannelRun) -> Report:
    """Poll the invariants until they all hold; the last report either way."""
    async def checked() -> Report:
        try:
            return await check(flows, since_ms, bootstrap, delivery, channels)
        except Exception as exc:  # PostgreSQL or Kafka still coming back: ask again
            report = Report()
            report.breach("databases reachable", f"{type(exc).__name__}: {exc}{_asking(exc)}")
            return report

    _, report = await poll_within(checked, lambda r: r.ok, timeout, pause=1.0, max_pause=5.0)
    return report or await checked()


def _asking(exc: Exception) -> str:
    """What an HTTP client was asking when it failed (an empty PoolTimeout names no one else)."""
    try:
        request = exc.request if isinstance(exc, httpx.RequestError) else None
    except RuntimeError:  # an error raised without its request
        request = None
    return f" (asking {request.method} {request.url})" if request is not None else ""
