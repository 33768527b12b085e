"""What the infrastructure itself can do on this machine, measured in the same run as the bench,
so that its costs per order read as a share of a limit:

* PostgreSQL durable commits/s: `clients` asyncpg connections, each committing a transaction of
  two single-row inserts in a loop (pgbench's shape; `synchronous_commit` as configured), on a
  scratch database that is dropped afterwards.
* Kafka messages/s from one Python process: an idempotent aiokafka producer (acks=all) sending
  envelope-sized records as fast as it can, then one consumer reading them back.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

RECORD = b"x" * 600  # about one of our envelopes


@dataclass(frozen=True)
class Ceiling:
    commits_per_second: dict[int, float]  # clients → commits/s
    produced_per_second: float
    consumed_per_second: float

    def report(self) -> str:
        commits = ", ".join(f"{rate:,.0f} with {clients} clients" for clients, rate in self.commits_per_second.items())
        kafka = (f"Kafka {self.produced_per_second:,.0f} produced and {self.consumed_per_second:,.0f} consumed "
                 "messages/s from one Python process" if self.produced_per_second else "Kafka not measured")
        return f"infrastructure ceiling: PostgreSQL durable commits/s {commits}; {kafka}"

    def share(self, commits_per_second: float, messages_per_second: float) -> str:
        best = max(self.commits_per_second.values(), default=0.0)
        parts = [f"{commits_per_second:,.0f} commits/s = {100 * commits_per_second / best:.0f}% of PostgreSQL's"
                 if best else ""]
        if self.produced_per_second:
            parts.append(f"{messages_per_second:,.0f} Kafka messages/s = "
                         f"{100 * messages_per_second / self.produced_per_second:.1f}% of one producer's")
        return "  load on the infrastructure: " + "; ".join(p for p in parts if p)


async def postgres_commits(postgres_url: str, clients: int, seconds: float) -> float:
    dsn = postgres_url.replace("postgresql+asyncpg://", "postgresql://").rstrip("/")
    name = f"bench_ceiling_{uuid.uuid4().hex[:8]}"  # not a tradeflow_* database: costs.py does not count it
    admin = await asyncpg.connect(dsn + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        setup = await asyncpg.connect(f"{dsn}/{name}")
        await setup.execute("CREATE TABLE a (id bigserial PRIMARY KEY, v text); "
                            "CREATE TABLE b (id bigserial PRIMARY KEY, v text)")
        await setup.close()
        connections = [await asyncpg.connect(f"{dsn}/{name}") for _ in range(clients)]
        deadline, counts = time.perf_counter() + seconds, [0] * clients

        async def client(i: int) -> None:
            connection = connections[i]
            while time.perf_counter() < deadline:
                async with connection.transaction():
                    await connection.execute("INSERT INTO a (v) VALUES ('x')")
                    await connection.execute("INSERT INTO b (v) VALUES ('y')")
                counts[i] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
        for connection in connections:
            await connection.close()
        return sum(counts) / elapsed
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def kafka_rates(bootstrap: str, seconds: float) -> tuple[float, float]:
    topic = f"bench.ceiling.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all",
                                    linger_ms=5, max_batch_size=256 * 1024)
        await producer.start()
        sent, deadline, started = 0, time.perf_counter() + seconds, time.perf_counter()
        try:
            while time.perf_counter() < deadline:
                batch = [await producer.send(topic, RECORD, key=str(i % 64).encode()) for i in range(1000)]
                await asyncio.gather(*batch)
                sent += len(batch)
        finally:
            produced = sent / (time.perf_counter() - started)
            await producer.stop()
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                    enable_auto_commit=False, max_partition_fetch_bytes=4 * 1024 * 1024)
        await consumer.start()
        try:
            read, started = 0, time.perf_counter()
            while read < sent:
                batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
                read += sum(len(records) for records in batches.values())
            consumed = read / (time.perf_counter() - started)
        finally:
            await consumer.stop()
        return produced, consumed
    finally:
        await admin.delete_topics([topic])
        await admin.close()


async def measure(postgres_url: str, bootstrap: str | None, seconds: float = 3.0,
                  clients: tuple[int, ...] = (8, 32)) -> Ceiling:
    commits = {n: await postgres_commits(postgres_url, n, seconds) for n in clients}
    produced, consumed = await kafka_rates(bootstrap, seconds) if bootstrap else (0.0, 0.0)
    return Ceiling(commits, produced, consumed)
