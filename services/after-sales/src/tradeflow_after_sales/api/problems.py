"""Domain and use-case refusals as problem+json (RFC 9457, stable `type` slugs, API.md): the one
error map of the service's HTTP API. Add a row per refusal a route can meet, most specific first."""

from collections.abc import Iterator
from contextlib import contextmanager

from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_kit.problems import Problem

_PROBLEMS: list[tuple[type[Exception], int, str, str]] = [
    (AfterSalesError, 409, "after-sales-rule-violated", "After sales rule violated"),
]


@contextmanager
def as_problems() -> Iterator[None]:
    """Translate the refusals raised inside into the API's problems; anything else propagates."""
    try:
        yield
    except tuple(cls for cls, *_ in _PROBLEMS) as exc:
        status, slug, title = next((s, sl, t) for cls, s, sl, t in _PROBLEMS if isinstance(exc, cls))
        raise Problem(status, slug, title, detail=str(exc)) from exc
