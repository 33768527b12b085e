"""The simulator's FastAPI application."""

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from tradeflow_simulators.edge import health_router, install_error_handlers
from tradeflow_simulators.psp import control, provider_api
from tradeflow_simulators.psp.ledger import Ledger
from tradeflow_simulators.psp.settings import PspSimSettings
from tradeflow_simulators.psp.signing import PSP_SIGNATURE
from tradeflow_simulators.psp.state import PspState
from tradeflow_simulators.psp.webhooks import SqliteDeliveries
from tradeflow_simulators.webhooks import WebhookDispatcher


def create_app(settings: PspSimSettings | None = None) -> FastAPI:
    """The simulator; its book is opened at start-up (`data_file`) and closed at shutdown."""
    settings = settings or PspSimSettings()
    state = PspState(settings, None)  # type: ignore[arg-type] — the book opens with the lifespan

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        state.ledger = Ledger(settings.data_file)
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as client:
            secret = settings.webhook_secret.get_secret_value()
            state.webhooks = WebhookDispatcher(SqliteDeliveries(state.ledger.db), client, secret, PSP_SIGNATURE,
                                               settings.retry_policy)
            state.webhooks.start()  # resumes what a previous run left pending
            try:
                yield
            finally:
                await state.webhooks.aclose()
                state.ledger.close()

    app = FastAPI(title="PSP simulator", version="0.1.0", lifespan=lifespan)
    app.state.psp = state
    install_error_handlers(app)
    app.include_router(provider_api.router)
    app.include_router(control.router)
    app.include_router(health_router("psp-simulator"))
    return app
