"""Path segments, query parameters and the Idempotency-Key are input too: checked before any
route's own parameters, so a NUL byte or an over-long value never reaches PostgreSQL.

Rule: no control characters (NUL included) or lone surrogates; a path parameter at most
`MAX_PATH_PARAM` characters, a query parameter `MAX_QUERY_VALUE`, the Idempotency-Key
`MAX_IDEMPOTENCY_KEY`. A breach is a 422 `validation-failed` problem naming the parameter.
"""

import unicodedata

from fastapi import Request

from tradeflow_kit.problems import Problem

MAX_PATH_PARAM = 200
MAX_QUERY_VALUE = 1000
MAX_IDEMPOTENCY_KEY = 200
_REFUSED_CATEGORIES = ("Cc", "Cs")


def _fault(value: str, max_length: int) -> str | None:
    if len(value) > max_length:
        return f"at most {max_length} characters"
    bad = next((ch for ch in value if unicodedata.category(ch) in _REFUSED_CATEGORIES), None)
    if bad is not None:
        return f"must not contain control characters (found U+{ord(bad):04X})"
    return None


def _faults(request: Request) -> list[dict[str, str]]:
    checks: list[tuple[str, str, int]] = [(name, str(value), MAX_PATH_PARAM)
                                          for name, value in request.path_params.items()]
    for name, value in request.query_params.multi_items():
        checks += [("query", name, MAX_QUERY_VALUE), (name, value, MAX_QUERY_VALUE)]
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        checks.append(("Idempotency-Key", key, MAX_IDEMPOTENCY_KEY))
    errors = [{"field": name, "message": fault} for name, value, limit in checks
              if (fault := _fault(value, limit)) is not None]
    return [e for i, e in enumerate(errors) if e not in errors[:i]]


async def checked_request_target(request: Request) -> None:
    """A dependency of every route (see the module's rule)."""
    errors = _faults(request)
    if errors:
        raise Problem(422, "validation-failed", "Request validation failed",
                      detail=f"{len(errors)} field(s) are invalid", errors=errors)
