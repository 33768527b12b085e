"""Composition root: the one place the channel adapter service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_channel_adapter.adapters.sqla_transaction import SqlaChannelAdapterTransaction
from tradeflow_channel_adapter.adapters.tables import inbox, outbox
from tradeflow_channel_adapter.api.problems import PROBLEMS
from tradeflow_channel_adapter.api.routes import router
from tradeflow_channel_adapter.api.wiring import ChannelAdapterApi
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings
from tradeflow_kit.unit_of_work import SqlaTransactions


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(ChannelAdapterError,))
    app = create_http_app(runtime, routers=[router])
    app.state.api = ChannelAdapterApi(transactions=SqlaTransactions(runtime.sessions, runtime.outbox,
                                                      SqlaChannelAdapterTransaction))
    PROBLEMS.install(app)
    return app
