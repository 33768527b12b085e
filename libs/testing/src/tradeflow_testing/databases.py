"""Throwaway databases on the test PostgreSQL server, one per test that asks."""

import uuid

import asyncpg

from tradeflow_devstack.stack import asyncpg_url

__all__ = ["asyncpg_url", "create_database", "drop_database"]


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
