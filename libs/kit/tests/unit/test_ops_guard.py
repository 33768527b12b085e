"""The guard nginx asks before `/ops/<service>/*`: 204 for staff only."""

import httpx
import pytest
from fastapi import FastAPI

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.ops_guard import OPS_AUTHORIZE_PATH, ops_guard_router
from tradeflow_kit.problems import install_problem_handlers

SECRET = "unit-test-secret-of-at-least-32-bytes!"
CODEC = TokenCodec(SECRET)


@pytest.fixture
async def client():
    app = FastAPI()
    app.state.token_codec = CODEC
    install_problem_handlers(app)
    app.include_router(ops_guard_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_staff_is_let_through(client):
    response = await client.get(OPS_AUTHORIZE_PATH, headers=bearer(CODEC.mint("s-1", ["staff"])))
    assert response.status_code == 204 and response.content == b""


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    (bearer("not-a-jwt"), 401),
    (bearer(TokenCodec("another-secret-of-at-least-32-bytes!").mint("s-1", ["staff"])), 401),
    (bearer(CODEC.mint("b-1", ["buyer"])), 403),
    (bearer(CODEC.mint("sys-1", ["system"])), 403),
])
async def test_everyone_else_is_refused_with_a_problem(client, headers, status):
    response = await client.get(OPS_AUTHORIZE_PATH, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_the_guard_is_not_in_the_openapi_document():
    app = FastAPI()
    app.include_router(ops_guard_router())
    assert OPS_AUTHORIZE_PATH not in app.openapi()["paths"]
