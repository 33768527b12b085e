"""The FastAPI application every service serves: its routes plus the operational endpoints
(`/health`, `/ready`, `/metrics`, `/asyncapi`), problem+json errors and request context."""

import uuid
from collections.abc import Sequence
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.site import get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradeflow_kit.errors_middleware import UnhandledErrors
from tradeflow_kit.metrics import observe_request
from tradeflow_kit.ops_guard import ops_guard_router
from tradeflow_kit.problems import PROBLEM_JSON, install_problem_handlers
from tradeflow_kit.request_target import checked_request_target
from tradeflow_kit.runtime import ServiceRuntime

log = structlog.get_logger(__name__)
CORRELATION_HEADER = "X-Correlation-ID"


def create_http_app(runtime: ServiceRuntime, routers: Sequence[APIRouter] = (), version: str = "0.1.0") -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        await runtime.start()
        log.info("service.started", port=runtime.settings.http_port)
        try:
            yield
        finally:
            log.info("service.stopping")
            await runtime.stop()
            log.info("service.stopped")

    app = FastAPI(title=f"Tradeflow {runtime.name} service", version=version, lifespan=lifespan,
                  dependencies=[Depends(checked_request_target)])
    app.state.runtime = runtime
    app.state.token_codec = runtime.tokens
    install_problem_handlers(app)
    app.add_middleware(UnhandledErrors)  # inside the request context: its 500s are logged and counted
    app.add_middleware(RequestContext)
    app.include_router(_operational_routes(runtime, version))
    app.include_router(ops_guard_router())
    for router in routers:
        app.include_router(router)
    return app


class RequestContext:
    """ASGI middleware: binds the correlation id (from the gateway or a client, else new) to every
    log line, returns it in `X-Correlation-ID`, and counts and times the request. Plain ASGI, not
    `BaseHTTPMiddleware`: that one runs each request in a task group with memory streams, which
    cost more CPU than some routes, and buffers nothing a stream (SSE) needs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        correlation_id = headers.get(CORRELATION_HEADER) or headers.get("X-Request-ID") or str(uuid.uuid4())
        with structlog.contextvars.bound_contextvars(
            correlation_id=correlation_id, http_method=scope["method"], http_path=scope["path"]
        ), observe_request(scope) as record:

            async def send_with_context(message: Message) -> None:
                if message["type"] == "http.response.start":
                    record(message["status"])
                    MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
                await send(message)

            await self.app(scope, receive, send_with_context)


def _operational_routes(runtime: ServiceRuntime, version: str) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health", summary="The process is up")
    async def health() -> dict:
        return {"status": "ok", "service": runtime.name, "version": version}

    @router.get("/ready", summary="Its database and Kafka are reachable (503 with the reason otherwise)")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        failing = [reason for reason in checks.values() if reason != "ok"]
        if not failing:
            return JSONResponse({"status": "ready", "service": runtime.name, "checks": checks})
        body = {"type": "https://tradeflow.example/problems/not-ready", "title": "Service not ready",
                "status": 503, "detail": "; ".join(failing), "service": runtime.name, "checks": checks}
        return JSONResponse(body, status_code=503, media_type=PROBLEM_JSON)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    def asyncapi_spec():
        return AsyncAPI(runtime.broker, title=f"Tradeflow {runtime.name} messages", version=version).to_specification()

    @router.get("/asyncapi.json", summary="AsyncAPI document of the service's messages")
    async def asyncapi_json() -> Response:
        return Response(asyncapi_spec().to_json(), media_type="application/json")

    @router.get("/asyncapi", include_in_schema=False)
    async def asyncapi_html() -> HTMLResponse:
        return HTMLResponse(get_asyncapi_html(asyncapi_spec()))

    return router
