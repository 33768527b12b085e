"""The marketplace simulator's FastAPI application."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from tradeflow_simulators.edge import health_router, install_error_handlers
from tradeflow_simulators.market import channel_api, control, control_shops
from tradeflow_simulators.market.settings import MarketSimSettings
from tradeflow_simulators.market.state import MarketState


def create_app(settings: MarketSimSettings | None = None) -> FastAPI:
    state = MarketState(settings or MarketSimSettings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with state.running():
            yield

    app = FastAPI(title="Marketplace simulator", version="0.1.0", lifespan=lifespan)
    app.state.market = state
    install_error_handlers(app)
    app.include_router(control.router)
    app.include_router(control_shops.router)
    app.include_router(health_router("market-simulator"))
    app.include_router(channel_api.router)  # last: its paths start with a shop's code
    return app
