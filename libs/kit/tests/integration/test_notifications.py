"""LISTEN/NOTIFY through the kit: a committed notify wakes its watchers (only them), a rolled-back
one does not, and a listener whose connection is killed comes back and wakes every watcher."""

import asyncio

import asyncpg
import pytest

from tradeflow_kit.db import session_factory
from tradeflow_kit.notifications import Listener, notify
from tradeflow_testing.polling import eventually


@pytest.fixture
async def listener(engine, fresh_database_url):
    listener = Listener(fresh_database_url, ("things_changed",))
    listener.start()
    await asyncio.wait_for(listener.listening.wait(), 10)
    yield listener
    await listener.stop()


async def test_a_committed_notify_wakes_the_watchers_of_its_key_only(engine, listener):
    sessions = session_factory(engine)
    async with listener.watch("things_changed", "a") as a, listener.watch("things_changed", "b") as b:
        async with sessions.begin() as session:
            await notify(session, "things_changed", "a")
            assert not await a.wait(0.2), "delivered before the commit"
        assert await a.wait(10)
        assert not await b.wait(0.3)
        assert not await a.wait(0), "one notification wakes once"


async def test_a_rolled_back_notify_wakes_nobody(engine, listener):
    async with listener.watch("things_changed", "a") as a:
        async with session_factory(engine)() as session:
            await notify(session, "things_changed", "a")
            await session.rollback()
        assert not await a.wait(0.5)


async def test_a_killed_listener_connection_reconnects_and_wakes_every_watcher(engine, listener, fresh_database_url):
    async with listener.watch("things_changed", "a") as a:
        admin = await asyncpg.connect(fresh_database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'")
        finally:
            await admin.close()
        assert killed == 1
        assert await a.wait(15), "a reconnect wakes the watchers (what changed meanwhile was missed)"
        await eventually(lambda: _true(listener.listening.is_set()), timeout=15, what="listening again")
        async with session_factory(engine).begin() as session:
            await notify(session, "things_changed", "a")
        assert await a.wait(10)


async def test_watching_an_unknown_channel_is_refused(listener):
    with pytest.raises(ValueError, match="not listening"):
        async with listener.watch("elsewhere", "a"):
            pass


async def _true(value: bool) -> bool:
    return value
