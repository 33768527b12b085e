import httpx
import pytest
from fastapi import Depends, FastAPI

from tradeflow_kit.auth import Principal, Role, TokenCodec, require_roles
from tradeflow_kit.problems import install_problem_handlers

SECRET = "unit-test-secret-of-at-least-32-bytes!"


def _app() -> FastAPI:
    app = FastAPI()
    app.state.token_codec = TokenCodec(SECRET)
    install_problem_handlers(app)

    @app.get("/staff-only")
    def staff_only(who: Principal = Depends(require_roles(Role.STAFF))) -> dict:
        return {"sub": who.sub}

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_missing_token_is_401_problem_with_bearer_challenge(client):
    response = await client.get("/staff-only")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"].endswith("/unauthenticated")


async def test_token_signed_with_another_secret_is_401(client):
    forged = TokenCodec("another-secret-also-32-bytes-long!!").mint("eve", ["staff"])
    response = await client.get("/staff-only", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert "invalid" in response.json()["detail"]


async def test_expired_token_is_401(client):
    expired = TokenCodec(SECRET).mint("s1", ["staff"], ttl_seconds=-10)
    response = await client.get("/staff-only", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_non_bearer_scheme_is_401(client):
    response = await client.get("/staff-only", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401


async def test_wrong_role_is_403_naming_the_needed_role(client):
    buyer = TokenCodec(SECRET).mint("buyer-1", ["buyer"])
    response = await client.get("/staff-only", headers={"Authorization": f"Bearer {buyer}"})
    assert response.status_code == 403
    body = response.json()
    assert body["type"].endswith("/forbidden")
    assert "staff" in body["detail"]


async def test_allowed_role_reaches_the_route_as_its_principal(client):
    staff = TokenCodec(SECRET).mint("staff-7", ["staff", "buyer"])
    response = await client.get("/staff-only", headers={"Authorization": f"Bearer {staff}"})
    assert response.status_code == 200
    assert response.json() == {"sub": "staff-7"}


def test_token_with_an_unknown_role_is_refused():
    import jwt

    token = jwt.encode({"sub": "x", "roles": ["root"], "iss": "tradeflow", "exp": 2**31}, SECRET)
    with pytest.raises(Exception) as raised:
        TokenCodec(SECRET).verify(token)
    assert getattr(raised.value, "status", None) == 401
