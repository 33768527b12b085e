"""Whatever escapes a route is a problem+json — 503 for an unreachable database, else a generic
500 naming no internals — and bad path or query input is a 422 before it reaches a route."""

import httpx
import pytest
from fastapi import Depends, FastAPI
from sqlalchemy import text

from tradeflow_kit.db import create_engine
from tradeflow_kit.errors_middleware import UnhandledErrors
from tradeflow_kit.problems import install_problem_handlers
from tradeflow_kit.request_target import checked_request_target

PROBLEMS = "https://tradeflow.example/problems/"


def _app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(checked_request_target)])
    install_problem_handlers(app)
    app.add_middleware(UnhandledErrors)

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("secret table orders_2026 exploded")

    @app.get("/database")
    async def database() -> dict:
        engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")  # nothing listens
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        finally:
            await engine.dispose()
        return {}

    @app.get("/orders/{order_id}")
    async def order(order_id: str, status: str | None = None) -> dict:
        return {"id": order_id, "status": status}

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_an_unhandled_exception_is_a_generic_500_problem_not_reraised(client):
    response = await client.get("/boom")  # the transport would raise if the app re-raised
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "internal-error"
    assert "secret" not in response.text and "RuntimeError" not in response.text


async def test_an_unreachable_database_is_a_503_with_retry_after(client):
    response = await client.get("/database")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == PROBLEMS + "dependency-unavailable"
    assert "127.0.0.1" not in response.text


@pytest.mark.parametrize(("url", "field"), [
    ("/orders/a%00b", "order_id"),
    ("/orders/" + "x" * 201, "order_id"),
    ("/orders/a?status=paid%00", "status"),
    ("/orders/a?unused=%01", "unused"),
    ("/orders/a?status=" + "x" * 1001, "status"),
])
async def test_nul_or_over_long_path_and_query_values_are_422_problems_naming_the_parameter(client, url, field):
    response = await client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


async def test_an_over_long_or_control_idempotency_key_is_refused(client):
    response = await client.get("/orders/a", headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "Idempotency-Key", "message": "at most 200 characters"}]


async def test_ordinary_path_and_query_values_pass(client):
    response = await client.get("/orders/%E8%AE%A2%E5%8D%95-1?status=paid")
    assert response.json() == {"id": "订单-1", "status": "paid"}
