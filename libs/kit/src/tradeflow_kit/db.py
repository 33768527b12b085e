"""The service's own PostgreSQL database: one async engine per process, built at start-up."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    """An asyncpg engine. No pre-ping (a round trip per transaction): a connection the database
    dropped fails its transaction, which callers retry (consumers) or report (HTTP 5xx), and the
    pool replaces it; connections are recycled every 30 minutes."""
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping_database(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("select 1"))
