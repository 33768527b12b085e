"""Alembic's env.py for every service: async migrations against the service's own database.

A service's `migrations/env.py` is two lines: import its metadata and call `run_migrations`.
The URL comes from the service settings (the environment), so the same command migrates the
local stack, CI and a real cluster.
"""

import asyncio

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tradeflow_kit.settings import ServiceSettings


def run_migrations(settings: ServiceSettings, metadata: MetaData) -> None:
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_migrate, metadata)
    finally:
        await engine.dispose()


def _migrate(conn: Connection, metadata: MetaData) -> None:
    context.configure(connection=conn, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
