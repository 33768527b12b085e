"""The migration stairway: every service's migrations go up, all the way down, and up again,
and the schema they build matches the service's table metadata exactly. And `migrate_to_head`,
which gives a test's fresh database the service's current schema."""

import asyncio
import hashlib
import importlib
import importlib.util
import re
import uuid
from pathlib import Path

import asyncpg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tradeflow_devstack.layout import project_root
from tradeflow_testing.databases import drop_database_soon

TEMPLATE_PREFIX = "tf_migrated_"  # + the service + a digest of its migrations: one template per version


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
    """Bring a fresh database to the service's current schema, as `make run` does.

    The migrations run once per version of them (a digest of the service's `migrations/`) into a
    template database on the same server, `tf_migrated_<service>_<digest>`, kept for the next runs;
    a fresh database is then made a copy of it (`CREATE DATABASE … TEMPLATE`, a fraction of the
    time every migration takes, for the hundreds of integration tests that start from an empty
    database; the empty one it replaces is dropped in the background). A database that is not
    empty is migrated as is. The stairway tests above still run every migration up and down."""
    target = make_url(url)
    if not await _empty(target):
        await asyncio.to_thread(command.upgrade, _config(service, url), "head")
        return
    admin = _admin_dsn(target)
    template = await _template(service, admin, target)
    emptied = f"{target.database}_emptied"  # out of the way, dropped in the background like every test's
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'alter database "{target.database}" rename to "{emptied}"')
        await conn.execute(f'create database "{target.database}" template "{template}"')
    finally:
        await conn.close()
    drop_database_soon(_admin_dsn(target).rsplit("/", 1)[0], emptied)  # the server's URL, as the fixtures hold it


_templates: dict[tuple[str, str], str] = {}
_IMPORTED = re.compile(r"^(?:from|import) (tradeflow_[\w.]+)", re.MULTILINE)


def _admin_dsn(target: URL) -> str:
    return target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def _digest(service: str) -> str:
    """Of the service's migrations and of the platform modules they import (the kit's versioned
    table helpers): a change to either is a new template."""
    folder = project_root() / "services" / service
    scripts = sorted([folder / "alembic.ini", *(folder / "migrations").rglob("*.py")])
    imported = {m for path in scripts for m in _IMPORTED.findall(path.read_text(errors="replace"))}
    hashed = hashlib.sha256()
    for path in [*scripts, *sorted(Path(spec.origin) for m in imported
                                   if (spec := importlib.util.find_spec(m)) and spec.origin)]:
        hashed.update(str(path).encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()[:12]


async def _empty(target: URL) -> bool:
    conn = await asyncpg.connect(target.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        return not await conn.fetchval(
            "select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%')")
    finally:
        await conn.close()


async def _template(service: str, admin: str, target: URL) -> str:
    """The migrated template of the service's current migrations on this server; built (under a name of
    its own, renamed when complete, so a concurrent session never copies half a schema) when missing."""
    name = f"{TEMPLATE_PREFIX}{service.replace('-', '_')}_{_digest(service)}"
    if _templates.get((admin, service)) == name:
        return name
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("select exists (select 1 from pg_database where datname = $1)", name):
            building = f"{TEMPLATE_PREFIX}building_{uuid.uuid4().hex[:12]}"
            await conn.execute(f'create database "{building}"')
            try:
                building_url = target.set(database=building).render_as_string(hide_password=False)
                await asyncio.to_thread(command.upgrade, _config(service, building_url), "head")
                await conn.execute(f'alter database "{building}" rename to "{name}"')
            except Exception:  # a concurrent session renamed its own first, or the migrations failed
                await conn.execute(f'drop database if exists "{building}" with (force)')
                if not await conn.fetchval("select exists (select 1 from pg_database where datname = $1)", name):
                    raise  # not a concurrent session's template: the migrations themselves failed
    finally:
        await conn.close()
    _templates[(admin, service)] = name
    return name
