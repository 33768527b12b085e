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

    @app.get("/merchant-or-staff")
    def merchant_or_staff(who: Principal = Depends(require_roles(Role.MERCHANT, Role.STAFF))) -> dict:
        return {"merchant_id": who.merchant_id, "sees_all": who.sees_all}

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
    assert response.json()["detail"] == "the token's signature is not valid"


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


def _raw(claims: dict, secret: str = SECRET, algorithm: str = "HS256") -> str:
    import jwt

    payload = {"sub": "x", "roles": ["staff"], "iss": "tradeflow", "exp": 2**31} | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm=algorithm)


LIBRARY_WORDS = ("Signature verification", "Not enough segments", "Invalid header", "Invalid payload",
                 "Invalid issuer", "Token is missing", "Expecting value", "Signature has expired")


@pytest.mark.parametrize(("token", "detail"), [
    ("not-a-jwt", "the token is malformed (not a signed JWT)"),
    ("a.b.c", "the token is malformed (not a signed JWT)"),
    (_raw({}, secret="another-secret-also-32-bytes-long!!"), "the token's signature is not valid"),
    (_raw({"exp": 1}), "the token has expired"),
    (_raw({"iss": "evil"}), "the token was not issued by Tradeflow (wrong iss)"),
    (_raw({"iss": None}), "the token has no iss claim"),
    (_raw({"sub": None}), "the token has no sub claim"),
    (_raw({"sub": ""}), "the token's sub claim must be a non-empty string"),
    (_raw({"roles": None}), "the token has no roles claim (a list of roles)"),
    (_raw({"roles": ["root"]}), "the token names an unknown role (known roles: buyer, staff, merchant, channel, "
                                "system)"),
    (_raw({}, secret="k" * 64, algorithm="HS512"), "the token must be signed with HS256"),
])
async def test_a_refused_token_is_explained_in_our_words(client, token, detail):
    response = await client.get("/staff-only", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/unauthenticated") and body["detail"] == detail
    assert not any(word.lower() in body["detail"].lower() for word in LIBRARY_WORDS)


def test_a_buyer_is_its_sub_only_with_the_buyer_role():
    codec = TokenCodec(SECRET)
    assert codec.verify(codec.mint("b-1", ["buyer"])).buyer_id == "b-1"
    for roles in (["merchant"], ["staff"], ["system"], ["channel"]):
        assert codec.verify(codec.mint("b-1", roles, merchant_id="m-1")).buyer_id is None


def test_a_merchant_acts_for_its_merchant_id_claim_not_its_sub():
    codec = TokenCodec(SECRET)
    assert codec.verify(codec.mint("user-9", ["merchant"], merchant_id="m-1")).merchant_id == "m-1"
    assert codec.verify(codec.mint("m-1", ["merchant"])).merchant_id is None
    assert codec.verify(codec.mint("u", ["buyer"], merchant_id="m-1")).merchant_id is None


async def test_a_merchant_token_without_merchant_id_is_403_merchant_scope_missing(client):
    codec = TokenCodec(SECRET)
    unscoped = codec.mint("m-1", ["merchant"])
    response = await client.get("/merchant-or-staff", headers={"Authorization": f"Bearer {unscoped}"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/merchant-scope-missing") and "merchant_id" in response.json()["detail"]
    scoped = codec.mint("user-9", ["merchant"], merchant_id="m-1")
    response = await client.get("/merchant-or-staff", headers={"Authorization": f"Bearer {scoped}"})
    assert response.json() == {"merchant_id": "m-1", "sees_all": False}
    staff = codec.mint("s-1", ["merchant", "staff"])  # staff need no merchant
    response = await client.get("/merchant-or-staff", headers={"Authorization": f"Bearer {staff}"})
    assert response.json() == {"merchant_id": None, "sees_all": True}
