"""The services' own databases, as the invariants read them: one short connection per query."""

import os

import asyncpg

SERVICE_DATABASES = ("order", "payment", "inventory", "fulfillment", "after_sales", "channel_adapter")


def database_url(service: str) -> str:
    return f"{os.environ['TRADEFLOW_POSTGRES_URL'].rstrip('/')}/tradeflow_{service}"


async def fetch(service: str, sql: str, *args) -> list:
    connection = await asyncpg.connect(database_url(service))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def has_column(service: str, table: str, column: str) -> bool:
    """Whether the service's schema has the column yet (the suite reads columns another engineer's
    migration is adding the same way before and after it lands)."""
    return bool(await fetch(service, "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                                     "AND table_name = $1 AND column_name = $2", table, column))
