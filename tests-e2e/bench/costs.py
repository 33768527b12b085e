"""What a benchmark window cost: CPU seconds per part of the local stack and PostgreSQL commits.

CPU is read from /proc for every process in each part's process group (the leader's pid from the
supervisor's state, `.local/run/stack.json`), including children it has reaped (PostgreSQL's backends). Commits
are `pg_stat_database.xact_commit` summed over the `tradeflow_*` databases; PostgreSQL publishes
them up to a second late, at both ends of the window alike.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tradeflow_devstack.control import read_state

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Snapshot:
    cpu_seconds: dict[str, float]
    commits: int


def _part_leaders(run_dir: Path) -> dict[int, str]:
    """Each part's process-group leader, as the supervisor reports it."""
    state = read_state(run_dir) or {"parts": []}
    return {part["pid"]: part["name"] for part in state["parts"] if part.get("pid")}


def cpu_by_part(run_dir: Path) -> dict[str, float]:
    leaders, spent = _part_leaders(run_dir), {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        group = int(fields[2])  # pgrp
        if group in leaders:
            ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            spent[leaders[group]] = spent.get(leaders[group], 0.0) + ticks / TICKS
    return spent


async def commits(postgres_url: str) -> int:
    connection = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://") + "/postgres")
    try:
        return await connection.fetchval(
            "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database WHERE datname LIKE 'tradeflow\\_%'")
    finally:
        await connection.close()


async def snapshot(run_dir: Path, postgres_url: str) -> Snapshot:
    return Snapshot(cpu_by_part(run_dir), await commits(postgres_url))


def report(before: Snapshot, after: Snapshot, orders: int) -> str:
    """CPU ms per order per part (busiest first) and commits per order."""
    if orders == 0:
        return "  costs: no order completed"
    per_part = {part: (after.cpu_seconds.get(part, 0.0) - spent) * 1000 / orders
                for part, spent in before.cpu_seconds.items()}
    busiest = sorted(per_part.items(), key=lambda item: -item[1])
    parts = "  ".join(f"{part} {ms:.0f}" for part, ms in busiest if ms >= 0.5)
    return (f"  costs per order: CPU {sum(per_part.values()):.0f} ms ({parts}); "
            f"PostgreSQL commits {(after.commits - before.commits) / orders:.1f}")
