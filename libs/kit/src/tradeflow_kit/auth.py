"""Bearer-JWT authentication with roles, shared by every route of every service.

Tokens are HS256 JWTs with `sub`, `roles`, `iss`, `iat` and `exp`; merchants carry
`merchant_id` and channels `channel_id` when they act for one. Missing or invalid token → 401,
valid token without an allowed role → 403, both as problem+json.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import jwt
from fastapi import Request

from tradeflow_kit.problems import Problem


class Role(StrEnum):
    BUYER = "buyer"
    STAFF = "staff"
    MERCHANT = "merchant"
    CHANNEL = "channel"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject and roles, plus any claims a route needs."""

    sub: str
    roles: frozenset[Role]
    claims: dict = field(default_factory=dict, compare=False)

    def has_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)


class TokenCodec:
    """Mints and verifies Tradeflow tokens with one shared secret."""

    algorithm = "HS256"

    def __init__(self, secret: str, issuer: str = "tradeflow") -> None:
        self._secret, self._issuer = secret, issuer

    def mint(self, sub: str, roles: Iterable[str], ttl_seconds: int = 3600, **claims) -> str:
        now = int(time.time())
        payload = {"sub": sub, "roles": sorted({Role(r).value for r in roles}), "iss": self._issuer,
                   "iat": now, "exp": now + ttl_seconds, **claims}
        return jwt.encode(payload, self._secret, algorithm=self.algorithm)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[self.algorithm], issuer=self._issuer,
                                options={"require": ["sub", "exp", "iss"]})
        except jwt.ExpiredSignatureError:
            raise _unauthenticated("the token has expired") from None
        except jwt.InvalidTokenError as exc:
            raise _unauthenticated(f"the token is invalid: {exc}") from None
        roles = claims.get("roles")
        if not isinstance(roles, list) or not all(r in Role._value2member_map_ for r in roles):
            raise _unauthenticated("the token's roles claim is missing or names an unknown role")
        return Principal(sub=str(claims["sub"]), roles=frozenset(Role(r) for r in roles), claims=claims)


def _unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", "Authentication required", detail=detail,
                   headers={"WWW-Authenticate": 'Bearer realm="tradeflow"'})


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise _unauthenticated("send an Authorization: Bearer <token> header")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("the Authorization header must use the Bearer scheme")
    return token.strip()


def require_roles(*allowed: Role | str) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the caller's principal, if it holds one of `allowed` roles."""
    allowed_roles = frozenset(Role(r) for r in allowed)

    async def dependency(request: Request) -> Principal:  # async: no thread hop per request
        codec: TokenCodec = request.app.state.token_codec
        principal = codec.verify(bearer_token(request))
        if allowed_roles and not principal.has_any(allowed_roles):
            need = ", ".join(sorted(allowed_roles))
            raise Problem(403, "forbidden", "Not allowed", detail=f"this action needs one of the roles: {need}")
        return principal

    return dependency
