"""The carrier simulator's FastAPI application."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from tradeflow_simulators.autopilot import mode_router
from tradeflow_simulators.edge import health_router, install_error_handlers
from tradeflow_simulators.tms import control, provider_api
from tradeflow_simulators.tms.settings import TmsSimSettings
from tradeflow_simulators.tms.state import TmsState, tms_state


def create_app(settings: TmsSimSettings | None = None) -> FastAPI:
    state = TmsState(settings or TmsSimSettings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with state.running():
            yield

    app = FastAPI(title="TMS simulator", version="0.1.0", lifespan=lifespan)
    app.state.tms = state
    install_error_handlers(app)
    app.include_router(provider_api.router)
    app.include_router(control.router)
    app.include_router(mode_router(lambda request: tms_state(request).autopilot))
    app.include_router(health_router("tms-simulator"))
    return app
