"""A database that cannot serve the request — no pooled connection free in time, or the
connection killed under it — is a 503 `dependency-unavailable` problem with Retry-After."""

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tradeflow_kit.errors_middleware import UnhandledErrors
from tradeflow_kit.problems import install_problem_handlers

PROBLEMS = "https://tradeflow.example/problems/"


def _app(engine) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(UnhandledErrors)

    @app.get("/query")
    async def query() -> dict:
        async with engine.connect() as conn:
            return {"one": (await conn.execute(text("select 1"))).scalar()}

    return app


async def _get(app: FastAPI) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get("/query")


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == PROBLEMS + "dependency-unavailable"


async def test_a_pool_timeout_is_a_503(fresh_database_url):
    engine = create_async_engine(fresh_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        assert (await _get(_app(engine))).json() == {"one": 1}
        async with engine.connect():  # the only connection is taken
            assert_unavailable(await _get(_app(engine)))
    finally:
        await engine.dispose()


async def test_a_connection_killed_by_the_database_is_a_503(fresh_database_url):
    engine = create_async_engine(fresh_database_url, pool_size=1, max_overflow=0)
    admin = create_async_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:
            pid = (await conn.execute(text("select pg_backend_pid()"))).scalar()
        async with admin.connect() as conn:
            await conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        assert_unavailable(await _get(_app(engine)))  # the pooled connection is dead
        assert (await _get(_app(engine))).json() == {"one": 1}  # and replaced for the next request
    finally:
        await engine.dispose()
        await admin.dispose()
