"""Bearer-JWT authentication with roles, shared by every route of every service.

Tokens are HS256 JWTs with `sub`, `roles`, `iss`, `iat` and `exp`; merchants carry
`merchant_id` and channels `channel_id` when they act for one. Missing or invalid token → 401,
valid token without an allowed role → 403, both as problem+json.

Who a caller is depends on the role, never on `sub` alone:
* a buyer's identity is `sub`, and only when the token holds the buyer role (`buyer_id`);
* a merchant acts for its `merchant_id` claim (`merchant_id`); a route reached only through
  the merchant role by a token without that claim is a 403 `merchant-scope-missing`;
* staff and system see everything (`sees_all`); channel acts by role.
A 401 says in our words what is wrong with the token; library messages never reach the caller.
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

    @property
    def buyer_id(self) -> str | None:
        """The buyer this caller is: `sub` with the buyer role, else None (any other role's `sub`
        names a staff member, merchant user or system, never a buyer)."""
        return self.sub if Role.BUYER in self.roles else None

    @property
    def merchant_id(self) -> str | None:
        """The merchant this caller acts for: the `merchant_id` claim with the merchant role."""
        claim = self.claims.get("merchant_id")
        if Role.MERCHANT in self.roles and isinstance(claim, str) and claim:
            return claim
        return None

    @property
    def sees_all(self) -> bool:
        """Staff and system read every owner's resources."""
        return self.has_any((Role.STAFF, Role.SYSTEM))


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
        except jwt.InvalidTokenError as exc:
            raise _unauthenticated(_why_invalid(exc)) from None
        sub, roles = claims.get("sub"), claims.get("roles")
        if not isinstance(sub, str) or not sub.strip():
            raise _unauthenticated("the token's sub claim must be a non-empty string")
        if not isinstance(roles, list) or not roles:
            raise _unauthenticated("the token has no roles claim (a list of roles)")
        if not all(isinstance(r, str) and r in Role._value2member_map_ for r in roles):
            known = ", ".join(r.value for r in Role)
            raise _unauthenticated(f"the token names an unknown role (known roles: {known})")
        return Principal(sub=sub, roles=frozenset(Role(r) for r in roles), claims=claims)


def _why_invalid(exc: jwt.InvalidTokenError) -> str:
    """Our words for what is wrong with a token (the library's message is not for callers)."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "the token has expired"
    if isinstance(exc, jwt.InvalidSignatureError):
        return "the token's signature is not valid"
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return "the token must be signed with HS256"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "the token was not issued by Tradeflow (wrong iss)"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"the token has no {exc.claim} claim"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "the token is not valid yet"
    if isinstance(exc, jwt.DecodeError):
        return "the token is malformed (not a signed JWT)"
    return "the token is not valid"


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
    """A FastAPI dependency: the caller's principal, if it holds one of `allowed` roles.

    A caller let in only by the merchant role must name its merchant (`merchant_id` claim).
    """
    allowed_roles = frozenset(Role(r) for r in allowed)

    async def dependency(request: Request) -> Principal:  # async: no thread hop per request
        codec: TokenCodec = request.app.state.token_codec
        principal = codec.verify(bearer_token(request))
        if allowed_roles and not principal.has_any(allowed_roles):
            need = ", ".join(sorted(allowed_roles))
            raise Problem(403, "forbidden", "Not allowed", detail=f"this action needs one of the roles: {need}")
        if allowed_roles and principal.roles & allowed_roles == {Role.MERCHANT} and principal.merchant_id is None:
            raise Problem(403, "merchant-scope-missing", "Merchant not named",
                          detail="a merchant token must carry the merchant_id claim of the merchant it acts for")
        return principal

    return dependency
