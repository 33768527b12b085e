"""Composition root: the one place the payment service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings
from tradeflow_payment.adapters.tables import inbox, outbox
from tradeflow_payment.api.routes import router


def build_app(settings: ServiceSettings) -> FastAPI:
    return create_http_app(build_runtime(settings, outbox, inbox), routers=[router])
