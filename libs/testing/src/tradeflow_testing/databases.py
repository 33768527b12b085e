"""Throwaway databases on the test PostgreSQL server, one per test that asks.

Dropping one waits for a checkpoint (DROP DATABASE forces one: a second or more on a busy
machine), so tests hand theirs to `drop_database_soon`: dropped in the background while the next
test runs, at most DROPPING at a time; `all_dropped()` waits for them (the session's end) and
raises the first drop that failed."""

import asyncio
import uuid

import asyncpg

from tradeflow_devstack.stack import asyncpg_url

__all__ = ["all_dropped", "asyncpg_url", "create_database", "drop_database", "drop_database_soon"]

DROPPING = 2
_pending: set[asyncio.Task] = set()
_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


async def create_database(server_url: str) -> str:
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(server_url + "/postgres")
    try:
        await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
    return name


async def drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(server_url + "/postgres")
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await conn.close()


def drop_database_soon(server_url: str, name: str) -> None:
    """Drop `name` in the background (see the module): the caller goes on at once."""
    loop = asyncio.get_running_loop()
    slots = _slots.setdefault(loop, asyncio.Semaphore(DROPPING))

    async def drop() -> None:
        async with slots:
            await drop_database(server_url, name)

    task = loop.create_task(drop(), name=f"drop {name}")
    _pending.add(task)
    task.add_done_callback(lambda t: t.cancelled() or t.exception() is not None or _pending.discard(t))


async def all_dropped() -> None:
    """Every database handed to `drop_database_soon` in this event loop is dropped (a failed drop raises)."""
    loop = asyncio.get_running_loop()
    mine = [t for t in list(_pending) if t.get_loop() is loop]
    _pending.difference_update(mine)
    await asyncio.gather(*mine)
