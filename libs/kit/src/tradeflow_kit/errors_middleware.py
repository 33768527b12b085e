"""The last line of defence of every service's HTTP API: an exception no route handled.

Guarantees:
* it is answered as problem+json — 503 `dependency-unavailable` with `Retry-After` when a
  dependency (the database: refused or reset connections, pool timeout) is unreachable, else a
  generic 500 `internal-error` that names no internals — and logged with its trace;
* it is NOT re-raised. Starlette's ServerErrorMiddleware re-raises after answering, and uvicorn
  then closes the connection: the next request a proxy sent on that keep-alive connection —
  anyone's — failed with a 502. Only a response already under way when the error came cannot
  be mended; then the connection has to close (re-raised).
"""

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradeflow_kit.outages import unreachable_dependency
from tradeflow_kit.problems import Problem, problem_response

log = structlog.get_logger(__name__)
RETRY_AFTER_SECONDS = "5"


def problem_for_unhandled(exc: BaseException) -> Problem:
    if unreachable_dependency(exc):
        log.warning("http.dependency_unavailable", error=f"{type(exc).__name__}: {exc}")
        return Problem(503, "dependency-unavailable", "Dependency unavailable",
                       detail="a service this one depends on cannot be reached; retry later",
                       headers={"Retry-After": RETRY_AFTER_SECONDS})
    log.error("http.unhandled_error", exc_info=exc)
    return Problem(500, "internal-error", "Internal error",
                   detail="the request could not be completed; it has been logged")


class UnhandledErrors:
    """ASGI middleware: answers whatever escaped the routes (see the module's guarantees)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            if started:
                raise
            response = problem_response(problem_for_unhandled(exc), Request(scope))
            await response(scope, receive, send)
