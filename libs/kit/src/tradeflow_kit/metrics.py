"""Prometheus metrics shared by every service process (one registry per process)."""

import time
from contextlib import contextmanager

from prometheus_client import Counter, Histogram
from starlette.types import Scope

HTTP_REQUESTS = Counter("tradeflow_http_requests_total", "HTTP requests served", ["method", "route", "status"])
HTTP_LATENCY = Histogram("tradeflow_http_request_seconds", "HTTP request latency", ["method", "route"])


def _route_template(scope: Scope) -> str:
    """The matched route's template (the router sets it in the scope), never the raw path."""
    return getattr(scope.get("route"), "path", "unmatched")


@contextmanager
def observe_request(scope: Scope):
    """Count and time one request, labelled by route template (bounded cardinality)."""
    started = time.perf_counter()
    status = {"code": 500}
    try:
        yield lambda code: status.__setitem__("code", code)
    finally:
        route = _route_template(scope)
        HTTP_REQUESTS.labels(scope["method"], route, str(status["code"])).inc()
        HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
