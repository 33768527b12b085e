"""The jobs that call the warehouse and the carriers for due shipments — the dispatcher
(`dispatch_shipments.py`) and the interceptor (`intercept_shipments.py`) — share one policy and
one loop: each takes one due shipment at a time (claimed with SKIP LOCKED, so every replica may
run them), up to `batch` a round, rounds every `interval` (at once again after a full one)."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from tradeflow_fulfillment.app.ports import Logistics, Transactions
from tradeflow_kit.periodic import run_rounds
from tradeflow_kit.system import Clock


@dataclass(frozen=True)
class DispatchPolicy:
    interval: timedelta = timedelta(seconds=1)  # how often the jobs look for due shipments
    batch: int = 20  # shipments per round (a full round runs again at once)
    lease: timedelta = timedelta(seconds=60)  # a claimed call not recorded by then is taken again
    first_backoff: timedelta = timedelta(seconds=1)  # after an unreachable warehouse or carrier, doubling
    max_backoff: timedelta = timedelta(seconds=60)

    def backoff(self, tries: int) -> timedelta:
        return min(self.first_backoff * 2 ** max(tries - 1, 0), self.max_backoff)


Job = Callable[[Transactions, Logistics, Clock, DispatchPolicy], Awaitable[bool]]
"""Handle one due shipment; False when none was due."""


async def up_to_batch(job: Job, transactions: Transactions, logistics: Logistics, clock: Clock,
                      policy: DispatchPolicy) -> int:
    """Run `job` until nothing is due or `batch` shipments were handled; how many were."""
    done = 0
    while done < policy.batch and await job(transactions, logistics, clock, policy):
        done += 1
    return done


async def run_job(name: str, job: Job, transactions: Transactions, logistics: Logistics, clock: Clock,
                  policy: DispatchPolicy, stop: asyncio.Event) -> None:
    """Rounds of `job` until `stop` is set (a failing round is logged as `<name>.round_failed`)."""
    async def round_() -> int:
        return await up_to_batch(job, transactions, logistics, clock, policy)

    await run_rounds(name, round_, stop, interval=policy.interval.total_seconds(), full=policy.batch)
