"""The outbox relay on the real broker and database: nothing committed is lost, order per key
holds, and a crashed relay's work is taken over."""

import asyncio
from collections import defaultdict

from sqlalchemy import func, select, text, update

from tradeflow_kit.db import session_factory
from tradeflow_kit.messaging.outbox import OUTBOX_CHANNEL, Outbox
from tradeflow_kit.messaging.relay import OutboxRelay, RelaySettings
from tradeflow_kit.notifications import Listener
from tradeflow_testing.polling import eventually

from .conftest import read_all
from .messaging_support import ItemCounted, outbox_table


async def _append(engine, topic: str, items: list[tuple[str, str]]) -> list:
    outbox = Outbox(outbox_table, producer="test")
    async with engine.begin() as conn:
        return [await outbox.append(conn, ItemCounted(item=item), key=key, correlation_id=key, topic=topic)
                for key, item in items]


async def _pending(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).where(outbox_table.c.published_at.is_(None)))).scalar_one()


async def _run_relay(relay: OutboxRelay):
    stop = asyncio.Event()
    return stop, asyncio.create_task(relay.run(stop))


async def test_committed_messages_are_published_in_key_order_after_a_crash_before_publish(
        engine, producer, infra, topic_with_dlq):
    # The "service" committed its state change and messages, then died before any publish.
    items = [(f"order-{i % 5}", f"item-{i}") for i in range(60)]
    envelopes = await _append(engine, topic_with_dlq, items)
    assert await _pending(engine) == 60

    relay = OutboxRelay(engine, outbox_table, producer, name="test", settings=RelaySettings(batch_size=16))
    stop, task = await _run_relay(relay)
    try:
        await eventually(lambda: _zero(_pending(engine)), what="outbox drained")
    finally:
        stop.set()
        await task

    records = await read_all(infra.kafka_bootstrap, topic_with_dlq, expected=60)
    assert sorted(dict(r.headers)["message_id"].decode() for r in records) == sorted(
        str(e.message_id) for e in envelopes)
    per_key = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        per_key[r.key.decode()].append(dict(r.headers)["message_id"].decode())
    for key, _item in items:
        expected = [str(e.message_id) for (k, _), e in zip(items, envelopes, strict=True) if k == key]
        assert per_key[key] == expected


async def test_rolled_back_transaction_publishes_nothing(engine):
    outbox = Outbox(outbox_table, producer="test")
    try:
        async with engine.begin() as conn:
            await outbox.append(conn, ItemCounted(item="x"), key="k", correlation_id="c", topic="t")
            raise RuntimeError("the business change failed")
    except RuntimeError:
        pass
    assert await _pending(engine) == 0


async def test_a_standby_relay_takes_over_when_the_leader_dies(engine, producer, infra, topic_with_dlq):
    fast = RelaySettings(idle_wait=0.05)
    leader = OutboxRelay(engine, outbox_table, producer, name="leader", settings=fast)
    standby = OutboxRelay(engine, outbox_table, producer, name="standby", settings=fast)
    stop_leader, leader_task = await _run_relay(leader)
    await eventually(lambda: _true(leader.leading.is_set()), what="leader elected")
    stop_standby, standby_task = await _run_relay(standby)
    try:
        await _append(engine, topic_with_dlq, [("k", "before")])
        await eventually(lambda: _zero(_pending(engine)), what="leader publishes")
        assert not standby.leading.is_set()

        # The leader's process dies: its database session ends and its advisory lock with it.
        async with engine.connect() as conn:
            await conn.execute(text("select pg_terminate_backend(pid) from pg_locks "
                                    "where locktype = 'advisory' and pid <> pg_backend_pid()"))
        stop_leader.set()
        await eventually(lambda: _true(standby.leading.is_set()), what="standby takes over")
        await _append(engine, topic_with_dlq, [("k", "after")])
        await eventually(lambda: _zero(_pending(engine)), what="standby publishes")
    finally:
        stop_leader.set()
        stop_standby.set()
        await asyncio.gather(leader_task, standby_task)
    records = await read_all(infra.kafka_bootstrap, topic_with_dlq, expected=2)
    assert [b"before" in r.value for r in records].count(True) >= 1
    assert [b"after" in r.value for r in records].count(True) >= 1


async def test_a_batch_read_but_not_marked_is_published_again_not_lost(engine, producer, infra, topic_with_dlq):
    envelopes = await _append(engine, topic_with_dlq, [("k", f"i{i}") for i in range(5)])
    relay = OutboxRelay(engine, outbox_table, producer, name="test")
    async with engine.connect() as conn:
        assert await relay.publish_batch(conn) == 5
    # The relay crashed after Kafka acknowledged but before its update committed.
    async with engine.begin() as conn:
        await conn.execute(update(outbox_table).values(published_at=None))
    async with engine.connect() as conn:
        assert await relay.publish_batch(conn) == 5
    records = await read_all(infra.kafka_bootstrap, topic_with_dlq, expected=10)
    ids = [dict(r.headers)["message_id"].decode() for r in records]
    assert sorted(set(ids)) == sorted(str(e.message_id) for e in envelopes)
    assert all(ids.count(i) == 2 for i in set(ids))  # at least once; the inbox makes it once


async def _zero(value) -> bool:
    return await value == 0


async def _true(value: bool) -> bool:
    return value


async def test_a_replica_whose_relay_stands_by_wakes_the_leader_when_it_commits(
        engine, producer, fresh_database_url, topic_with_dlq):
    """The leader would sleep a minute between polls: only the standby replica's NOTIFY, sent in
    its transaction, makes it publish at once."""
    listener = Listener(fresh_database_url, (OUTBOX_CHANNEL,))
    leader = OutboxRelay(engine, outbox_table, producer, name="svc", settings=RelaySettings(idle_wait=60),
                         listener=listener)
    listener.start()
    stop, task = await _run_relay(leader)
    try:
        await eventually(lambda: _true(leader.leading.is_set() and listener.listening.is_set()
                                       and listener.watchers(OUTBOX_CHANNEL, "svc") == 1), what="leader listening")
        standby = Outbox(outbox_table, producer="svc", relay_leading=asyncio.Event())  # another replica's
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            for i in range(3):
                await standby.append(session, ItemCounted(item=f"i{i}"), key="k", correlation_id="c",
                                     topic=topic_with_dlq)
        await eventually(lambda: _zero(_pending(engine)), timeout=10, what="the leader woken to publish")
    finally:
        stop.set()
        await task
        await listener.stop()
