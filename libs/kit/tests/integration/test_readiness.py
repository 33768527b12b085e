"""/health answers while /ready says exactly which dependency is missing."""

import httpx
from sqlalchemy import MetaData

from tradeflow_kit.http import create_http_app
from tradeflow_kit.messaging.schema import messaging_tables
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import settings_class


def _app(database_url: str, kafka: str):
    outbox, inbox = messaging_tables(MetaData())
    settings = settings_class("order")(database_url=database_url, kafka_bootstrap_servers=kafka,
                                       ready_timeout_seconds=1.0)
    return create_http_app(build_runtime(settings, outbox, inbox, domain_errors=()))


async def _get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        return await client.get(path)


async def test_ready_is_503_naming_the_database_and_kafka_when_both_are_unreachable():
    app = _app("postgresql+asyncpg://nobody@127.0.0.1:1/none", "127.0.0.1:1")
    assert (await _get(app, "/health")).status_code == 200
    response = await _get(app, "/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    checks = response.json()["checks"]
    assert checks["database"].startswith("database: ") and "kafka" in checks["kafka"]
    await app.state.runtime.engine.dispose()


async def test_ready_names_only_kafka_when_the_database_answers(fresh_database_url):
    app = _app(fresh_database_url, "127.0.0.1:1")
    body = (await _get(app, "/ready")).json()
    assert body["checks"]["database"] == "ok" and body["checks"]["kafka"] != "ok"
    assert body["detail"].startswith("kafka")
    await app.state.runtime.engine.dispose()
