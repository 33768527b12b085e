"""The ground everything stands on: the real broker and the real database behave as we rely on."""

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text

from tradeflow_kit.db import create_engine


async def test_idempotent_producer_messages_reach_a_consumer_group_in_key_order(infra, new_topic):
    topic = await new_topic(partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        sent = [(f"order-{i % 4}".encode(), f"{i}".encode()) for i in range(40)]
        for key, value in sent:
            await producer.send(topic, value=value, key=key)
        await producer.flush()
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, group_id=f"g-{uuid.uuid4().hex[:8]}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    received: list[tuple[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + 30
        while len(received) < len(sent) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            received += [(r.key, r.value) for records in batch.values() for r in records]
        await consumer.commit()
    finally:
        await consumer.stop()

    assert sorted(received) == sorted(sent)
    for key in {k for k, _ in sent}:
        assert [v for k, v in received if k == key] == [v for k, v in sent if k == key]


async def test_a_transaction_commits_all_or_nothing(fresh_database_url):
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table ledger (id int primary key, amount bigint not null)"))
        async with engine.begin() as conn:
            await conn.execute(text("insert into ledger values (1, 1999), (2, 500)"))
        try:
            async with engine.begin() as conn:
                await conn.execute(text("insert into ledger values (3, 100)"))
                await conn.execute(text("insert into ledger values (1, 1)"))  # duplicate key: all rolls back
        except Exception as exc:
            assert "duplicate key" in str(exc)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("select id, amount from ledger order by id"))).all()
        assert [tuple(r) for r in rows] == [(1, 1999), (2, 500)]
    finally:
        await engine.dispose()


async def test_concurrent_conditional_updates_never_overdraw(fresh_database_url):
    engine = create_engine(fresh_database_url, pool_size=5)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table stock (sku text primary key, available int not null)"))
            await conn.execute(text("insert into stock values ('SKU-1', 3)"))

        async def take_one() -> bool:
            async with engine.begin() as conn:
                result = await conn.execute(
                    text("update stock set available = available - 1 where sku = 'SKU-1' and available > 0"))
                return result.rowcount == 1

        outcomes = await asyncio.gather(*(take_one() for _ in range(10)))
        async with engine.connect() as conn:
            left = (await conn.execute(text("select available from stock"))).scalar_one()
        assert outcomes.count(True) == 3
        assert left == 0
    finally:
        await engine.dispose()
