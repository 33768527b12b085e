"""The migration stairway: every service's migrations go up, all the way down, and up again,
and the schema they build matches the service's table metadata exactly."""

import asyncio
import importlib

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from tradeflow_devstack.layout import project_root


def _config(service: str, url: str) -> Config:
    config = Config(str(project_root() / "services" / service / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def _state(url: str, metadata) -> tuple[str | None, list, list[str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            def read(sync_conn):
                context = MigrationContext.configure(sync_conn)
                diff = compare_metadata(context, metadata)
                return context.get_current_revision(), diff, inspect(sync_conn).get_table_names()
            return await conn.run_sync(read)
    finally:
        await engine.dispose()


async def assert_migration_stairway(service: str, url: str) -> None:
    config = _config(service, url)
    head = ScriptDirectory.from_config(config).get_current_head()
    metadata = importlib.import_module(f"tradeflow_{service.replace('-', '_')}.adapters.tables").metadata

    await asyncio.to_thread(command.upgrade, config, "head")
    revision, diff, _ = await _state(url, metadata)
    assert revision == head, f"{service}: at {revision} after upgrade, expected head {head}"
    assert diff == [], f"{service}: migrations and table metadata differ: {diff}"

    await asyncio.to_thread(command.downgrade, config, "base")
    revision, _, tables = await _state(url, metadata)
    assert revision is None, f"{service}: still at {revision} after downgrade to base"
    assert set(tables) <= {"alembic_version"}, f"{service}: tables left after downgrade: {tables}"

    await asyncio.to_thread(command.upgrade, config, "head")
    revision, _, _ = await _state(url, metadata)
    assert revision == head


async def migrate_to_head(service: str, url: str) -> None:
    """Bring a (fresh) database to the service's current schema, as `make run` does."""
    await asyncio.to_thread(command.upgrade, _config(service, url), "head")
