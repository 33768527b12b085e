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
from tradeflow_simulators.psp.webhooks import RetryPolicy, WebhookDispatcher


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def create_app(settings: PspSimSettings | None = None) -> FastAPI:
    """The simulator; its book is opened at start-up (`data_file`) and closed at shutdown."""
    settings = settings or PspSimSettings()
    state = PspState(settings, None)  # type: ignore[arg-type] — the book opens with the lifespan

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        state.ledger = Ledger(settings.data_file)
        policy = RetryPolicy(settings.webhook_backoff_seconds, settings.webhook_max_backoff_seconds,
                             settings.webhook_retry_hours * 3600, settings.webhook_attempts)
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as client:
            state.webhooks = WebhookDispatcher(state.ledger.db, client, settings.webhook_secret.get_secret_value(),
                                               policy)
            state.webhooks.start()  # resumes what a previous run left pending
            try:
                yield
            finally:
                await state.webhooks.aclose()
                state.ledger.close()

    app = FastAPI(title="PSP simulator", version="0.1.0", lifespan=lifespan)
    app.state.psp = state

    async def on_ledger_error(_request: Request, exc: LedgerError) -> JSONResponse:
        return _error(exc.status, exc.code, str(exc), **exc.extra)

    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return _error(422, "invalid_request", "the request is invalid", fields=fields)

    app.add_exception_handler(LedgerError, on_ledger_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.include_router(provider_api.router)
    app.include_router(control.router)
    return app
