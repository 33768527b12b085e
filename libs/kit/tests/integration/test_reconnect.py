"""A service's pool rides out a database restart: connections the server dropped (a PostgreSQL
kill -9 drops them all) are never handed to a request."""

import asyncpg
from sqlalchemy import text

from tradeflow_kit.db import create_engine


async def _drop_every_connection(database_url: str) -> int:
    """What a PostgreSQL restart does to the pool's idle connections: the server ends them."""
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        return await conn.fetchval(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()")
    finally:
        await conn.close()


async def test_the_first_query_after_the_server_dropped_the_pools_connections_succeeds(fresh_database_url):
    engine = create_engine(fresh_database_url, pool_size=3)
    try:
        async with engine.connect() as a, engine.connect() as b:  # two pooled, idle connections
            for conn in (a, b):
                assert (await conn.execute(text("select 1"))).scalar() == 1
        assert await _drop_every_connection(fresh_database_url) >= 2
        for _ in range(3):  # each checkout would get a dead connection without a ping
            async with engine.connect() as conn:
                assert (await conn.execute(text("select 2"))).scalar() == 2
    finally:
        await engine.dispose()
