"""API access tests (route × role × owner): a token for every kind of caller and the outcome of
a call as (status, problem slug), so a whole route's table can be compared at once.

The standard callers act around one resource owned by buyer `buyer-1` that holds a sub-order of
merchant `m-1`; the impostors carry `buyer-1` as `sub` in another role, which must give nothing.
"""

import httpx

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

PROBLEMS = "https://tradeflow.example/problems/"
FORBIDDEN, UNAUTHENTICATED = (403, "forbidden"), (401, "unauthenticated")
_tokens = TokenCodec(DEV_JWT_SECRET)

Outcome = tuple[int, str | None]


def bearer(sub: str, *roles: str, **claims: str) -> dict[str, str]:
    """An Authorization header with a dev token (the services' default secret in tests)."""
    return {"Authorization": f"Bearer {_tokens.mint(sub, roles, **claims)}"}


CALLERS: dict[str, dict[str, str]] = {
    "buyer (owner)": bearer("buyer-1", "buyer"),
    "buyer (other)": bearer("buyer-2", "buyer"),
    "merchant (in the order)": bearer("m1-user", "merchant", merchant_id="m-1"),
    "merchant (not in it)": bearer("m9-user", "merchant", merchant_id="m-9"),
    "merchant without merchant_id": bearer("m-1", "merchant"),
    "merchant with the buyer's sub": bearer("buyer-1", "merchant", merchant_id="m-9"),
    "staff": bearer("staff-1", "staff"),
    "system": bearer("svc-1", "system"),
    "channel with the buyer's sub": bearer("buyer-1", "channel", channel_id="ch-1"),
    "no token": {},
    "bad token": {"Authorization": "Bearer not-a-jwt"},
}


def expected(allowed: dict[str, Outcome]) -> dict[str, Outcome]:
    """Every caller 403 `forbidden` and the token-less 401, except the outcomes in `allowed`."""
    unknown = set(allowed) - set(CALLERS)
    assert not unknown, f"no such callers: {unknown}"
    return {name: FORBIDDEN for name in CALLERS} | {"no token": UNAUTHENTICATED,
                                                    "bad token": UNAUTHENTICATED} | allowed


def outcome(response: httpx.Response) -> Outcome:
    """(status, problem slug); the slug only for application/problem+json answers."""
    if response.headers.get("content-type") == "application/problem+json":
        return response.status_code, response.json()["type"].removeprefix(PROBLEMS)
    return response.status_code, None
