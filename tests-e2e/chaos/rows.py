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
