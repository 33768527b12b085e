"""Benchmark: messages per second from the outbox table to Kafka (target ≥ 5,000/s).

Fills a throwaway database's outbox with N committed messages over K keys, then times one relay
publishing all of them to a fresh topic with the idempotent producer. Run by `make bench`
against the local stack (or any KAFKA_BOOTSTRAP_SERVERS / TRADEFLOW_POSTGRES_URL).
"""

import argparse
import asyncio
import os
import time
import uuid

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import MetaData, func, insert, select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_kit.db import create_engine
from tradeflow_kit.kafka import create_producer
from tradeflow_kit.messaging.relay import OutboxRelay, RelaySettings
from tradeflow_kit.messaging.schema import messaging_tables
from tradeflow_testing.databases import asyncpg_url, create_database, drop_database


def _rows(topic: str, n: int, keys: int) -> list[dict]:
    rows = []
    for i in range(n):
        envelope = new_envelope("bench.item-counted", 1, {"item": f"item-{i}", "amount": i * 100},
                                producer="bench", correlation_id=f"order-{i % keys}")
        rows.append({"message_id": envelope.message_id, "topic": topic, "key": f"order-{i % keys}",
                     "type": envelope.type, "value": envelope.to_bytes(),
                     "headers": [[k, v.decode()] for k, v in envelope.headers()]})
    return rows


async def bench(n: int, keys: int, batch: int, bootstrap: str, server_url: str) -> None:
    topic = f"bench.relay.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 6, 1)])
    database = await create_database(server_url)
    engine = create_engine(asyncpg_url(server_url, database))
    outbox, _ = messaging_tables(metadata := MetaData())
    producer = create_producer(bootstrap, "bench")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            rows = _rows(topic, n, keys)
            for start in range(0, n, 2000):
                await conn.execute(insert(outbox), rows[start:start + 2000])
        await producer.start()
        relay = OutboxRelay(engine, outbox, producer, "bench", RelaySettings(batch_size=batch))
        started = time.perf_counter()
        async with engine.connect() as conn:
            while await relay.publish_batch(conn):
                pass
            left = (await conn.execute(select(func.count()).where(outbox.c.published_at.is_(None)))).scalar_one()
        elapsed = time.perf_counter() - started
        assert left == 0, f"{left} messages left unpublished"
        print(f"outbox relay: {n} messages ({keys} keys, batch {batch}) in {elapsed:.2f}s "
              f"= {n / elapsed:,.0f} messages/s (target >= 5,000)")
    finally:
        await producer.stop()
        await engine.dispose()
        await drop_database(server_url, database)
        await admin.delete_topics([topic])
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--keys", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(bench(args.messages, args.keys, args.batch, os.environ["KAFKA_BOOTSTRAP_SERVERS"],
                      os.environ["TRADEFLOW_POSTGRES_URL"]))


if __name__ == "__main__":
    main()
