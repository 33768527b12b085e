"""Composition root: the one place the fulfillment service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox, outbox
from tradeflow_fulfillment.api.problems import PROBLEMS
from tradeflow_fulfillment.api.routes import router
from tradeflow_fulfillment.api.wiring import FulfillmentApi
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings
from tradeflow_kit.unit_of_work import SqlaTransactions


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(FulfillmentError,))
    app = create_http_app(runtime, routers=[router])
    app.state.api = FulfillmentApi(transactions=SqlaTransactions(runtime.sessions, runtime.outbox,
                                                      SqlaFulfillmentTransaction))
    PROBLEMS.install(app)
    return app
