"""The simulator's FastAPI application."""

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tradeflow_simulators.psp import control, provider_api
from tradeflow_simulators.psp.ledger import Ledger, LedgerError
from tradeflow_simulators.psp.settings import PspSimSettings
from tradeflow_simulators.psp.state import PspState
from tradeflow_simulators.psp.webhooks import WebhookDispatcher


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def create_app(settings: PspSimSettings | None = None) -> FastAPI:
    state = PspState(settings or PspSimSettings(), Ledger())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        timeout = state.settings.webhook_timeout_seconds
        async with httpx.AsyncClient(timeout=timeout) as client:
            state.webhooks = WebhookDispatcher(client, state.settings.webhook_secret.get_secret_value(),
                                               state.settings.webhook_attempts, state.settings.webhook_backoff_seconds)
            try:
                yield
            finally:
                await state.webhooks.aclose()

    app = FastAPI(title="PSP simulator", version="0.1.0", lifespan=lifespan)
    app.state.psp = state

    async def on_ledger_error(_request: Request, exc: LedgerError) -> JSONResponse:
        return _error(exc.status, exc.code, str(exc))

    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return _error(422, "invalid_request", "the request is invalid", fields=fields)

    app.add_exception_handler(LedgerError, on_ledger_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.include_router(provider_api.router)
    app.include_router(control.router)
    return app
