"""What a benchmark window cost: CPU seconds per part of the local stack and PostgreSQL commits.

CPU is read from /proc for every process in each part's process group (the leader's pid from the
supervisor's state, `.local/run/stack.json`), including children it has reaped (PostgreSQL's backends).
Replicas of a service are parts `order`, `order-2`, …: they are shown one by one and summed per service.
Commits are `pg_stat_database.xact_commit` per `tradeflow_*` database (read-only transactions count
there too but write nothing); the durable ones are WAL flushes, `pg_stat_wal.wal_sync` (PostgreSQL
14+, cluster-wide). PostgreSQL publishes both up to a second late, at both ends of the window alike.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from tradeflow_devstack.control import read_state

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Snapshot:
    cpu_seconds: dict[str, float]
    commits_by_database: dict[str, int]
    wal_syncs: int
    messages_by_family: dict[str, int] = field(default_factory=dict)
    statements: dict[tuple[str, str], int] = field(default_factory=dict)  # (database, query) → calls

    @property
    def commits(self) -> int:
        return sum(self.commits_by_database.values())


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


def service_of(part: str) -> str:
    """`order-2` is a replica of `order`."""
    return re.sub(r"-\d+$", "", part)


async def _database_counters(postgres_url: str) -> tuple[dict[str, int], int, dict[tuple[str, str], int]]:
    connection = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://") + "/postgres")
    try:
        rows = await connection.fetch(
            "SELECT datname, xact_commit FROM pg_stat_database WHERE datname LIKE 'tradeflow\\_%'")
        try:
            wal_syncs = await connection.fetchval("SELECT wal_sync FROM pg_stat_wal")
        except asyncpg.PostgresError:  # before PostgreSQL 14
            wal_syncs = 0
        return ({row["datname"]: row["xact_commit"] for row in rows}, int(wal_syncs or 0),
                await _statements(connection))
    finally:
        await connection.close()


async def _statements(connection: asyncpg.Connection) -> dict[tuple[str, str], int]:
    """Calls per statement per tradeflow_* database, where pg_stat_statements is loaded (the local
    stack loads it); empty elsewhere."""
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        rows = await connection.fetch(
            "SELECT d.datname, s.query, sum(s.calls)::bigint AS calls FROM pg_stat_statements s "
            "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname LIKE 'tradeflow\\_%' GROUP BY 1, 2")
    except asyncpg.PostgresError:
        return {}
    return {(row["datname"], row["query"]): row["calls"] for row in rows}


def topic_family(topic: str) -> str:
    """`order.events` and `order.events.dlq` are both the `order` family."""
    return topic.split(".", 1)[0]


async def kafka_messages(bootstrap: str | None) -> dict[str, int]:
    """The sum of end offsets per topic family (every message ever produced there)."""
    if not bootstrap:
        return {}
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()  # topics() leaves partitions uncached
        topics = [t for t in cluster.topics() if not t.startswith("__")]
        partitions = [TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or ()]
        ends = await consumer.end_offsets(partitions) if partitions else {}
        families: dict[str, int] = {}
        for partition, end in ends.items():
            families[topic_family(partition.topic)] = families.get(topic_family(partition.topic), 0) + end
        return families
    finally:
        await consumer.stop()


async def snapshot(run_dir: Path, postgres_url: str) -> Snapshot:
    by_database, wal_syncs, statements = await _database_counters(postgres_url)
    messages = await kafka_messages(os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
    return Snapshot(cpu_by_part(run_dir), by_database, wal_syncs, messages, statements)


def statements_report(before: Snapshot, after: Snapshot, orders: int, top: int = 6) -> str:
    """SQL statements per order per database, and the most frequent ones (pg_stat_statements)."""
    if not orders or not after.statements:
        return ""
    spent = {k: calls - before.statements.get(k, 0) for k, calls in after.statements.items()}
    by_database: dict[str, int] = {}
    for (database, _), calls in spent.items():
        by_database[database] = by_database.get(database, 0) + calls
    lines = ["  SQL statements per order: " + f"{sum(by_database.values()) / orders:.1f} (" + "  ".join(
        f"{name.removeprefix('tradeflow_')} {calls / orders:.1f}" for name, calls in sorted(by_database.items())
        if calls) + ")"]
    for (database, query), calls in sorted(spent.items(), key=lambda i: -i[1])[:top]:
        text = " ".join(query.split())[:110]
        lines.append(f"    {calls / orders:4.1f}  {database.removeprefix('tradeflow_')}: {text}")
    return "\n".join(lines)


def report(before: Snapshot, after: Snapshot, orders: int) -> str:
    """CPU ms per order per part (busiest first) and commits per order."""
    if orders == 0:
        return "  costs: no order completed"
    per_part = {part: (after.cpu_seconds.get(part, 0.0) - spent) * 1000 / orders
                for part, spent in before.cpu_seconds.items()}
    busiest = sorted(per_part.items(), key=lambda item: -item[1])
    parts = "  ".join(f"{part} {ms:.1f}" for part, ms in busiest if ms >= 0.05)
    per_service: dict[str, float] = {}
    for part, ms in per_part.items():
        per_service[service_of(part)] = per_service.get(service_of(part), 0.0) + ms
    services = "  ".join(f"{name} {ms:.1f}" for name, ms in sorted(per_service.items(), key=lambda i: -i[1])
                         if ms >= 0.05)
    databases = "  ".join(
        f"{name.removeprefix('tradeflow_')} {(count - before.commits_by_database.get(name, 0)) / orders:.1f}"
        for name, count in sorted(after.commits_by_database.items()))
    return "\n".join([
        f"  CPU ms per order: {sum(per_part.values()):.1f} by part ({parts})",
        f"  CPU ms per order by service: {services}",
        f"  PostgreSQL commits per order: {(after.commits - before.commits) / orders:.1f} ({databases}); "
        f"WAL flushes per order {(after.wal_syncs - before.wal_syncs) / orders:.1f}",
        f"  Kafka messages per order: "
        f"{sum(after.messages_by_family.values()) - sum(before.messages_by_family.values()):.0f} total / {orders} = "
        f"{(sum(after.messages_by_family.values()) - sum(before.messages_by_family.values())) / orders:.1f} ("
        + "  ".join(f"{name} {(count - before.messages_by_family.get(name, 0)) / orders:.1f}"
                    for name, count in sorted(after.messages_by_family.items())
                    if count != before.messages_by_family.get(name, 0)) + ")",
    ])
