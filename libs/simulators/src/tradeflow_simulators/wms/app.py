"""The warehouse simulator's FastAPI application."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from tradeflow_simulators.autopilot import mode_router
from tradeflow_simulators.edge import health_router, install_error_handlers
from tradeflow_simulators.wms import control, provider_api
from tradeflow_simulators.wms.settings import WmsSimSettings
from tradeflow_simulators.wms.state import WmsState, wms_state


def create_app(settings: WmsSimSettings | None = None) -> FastAPI:
    state = WmsState(settings or WmsSimSettings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with state.running():
            yield

    app = FastAPI(title="WMS simulator", version="0.1.0", lifespan=lifespan)
    app.state.wms = state
    install_error_handlers(app)
    app.include_router(provider_api.router)
    app.include_router(control.router)
    app.include_router(mode_router(lambda request: wms_state(request).autopilot))
    app.include_router(health_router("wms-simulator"))
    return app
