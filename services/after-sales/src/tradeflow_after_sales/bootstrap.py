"""Composition root: the one place the after sales service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_after_sales.adapters.sqla_transaction import SqlaAfterSalesTransaction
from tradeflow_after_sales.adapters.tables import inbox, outbox
from tradeflow_after_sales.api.problems import PROBLEMS
from tradeflow_after_sales.api.routes import router
from tradeflow_after_sales.api.wiring import AfterSalesApi
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings
from tradeflow_kit.unit_of_work import SqlaTransactions


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(AfterSalesError,))
    app = create_http_app(runtime, routers=[router])
    app.state.api = AfterSalesApi(transactions=SqlaTransactions(runtime.sessions, runtime.outbox,
                                                      SqlaAfterSalesTransaction))
    PROBLEMS.install(app)
    return app
