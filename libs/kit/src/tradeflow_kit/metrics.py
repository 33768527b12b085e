"""Prometheus metrics shared by every service process (one registry per process)."""

import time
from contextlib import contextmanager

from prometheus_client import Counter, Histogram
from starlette.requests import Request

HTTP_REQUESTS = Counter("tradeflow_http_requests_total", "HTTP requests served", ["method", "route", "status"])
HTTP_LATENCY = Histogram("tradeflow_http_request_seconds", "HTTP request latency", ["method", "route"])


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")


@contextmanager
def observe_request(request: Request):
    """Count and time one request, labelled by route template (bounded cardinality)."""
    started = time.perf_counter()
    status = {"code": 500}
    try:
        yield lambda code: status.__setitem__("code", code)
    finally:
        route = _route_template(request)
        HTTP_REQUESTS.labels(request.method, route, str(status["code"])).inc()
        HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
