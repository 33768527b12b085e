"""Composition root: the one place the after-sales service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_after_sales.adapters.tables import inbox, outbox
from tradeflow_after_sales.api.routes import router
from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings


def build_app(settings: ServiceSettings) -> FastAPI:
    return create_http_app(build_runtime(settings, outbox, inbox), routers=[router])
