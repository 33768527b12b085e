"""Composition root: the one place the channel adapter service's parts are built and wired."""

import asyncio
from datetime import timedelta

from fastapi import FastAPI

from tradeflow_channel_adapter.adapters.channel_http import HttpChannelCalls
from tradeflow_channel_adapter.adapters.sqla_transaction import SqlaChannelAdapterTransaction
from tradeflow_channel_adapter.adapters.tables import inbox, outbox
from tradeflow_channel_adapter.api.account_routes import router as account_router
from tradeflow_channel_adapter.api.intake_routes import router as intake_router
from tradeflow_channel_adapter.api.problems import PROBLEMS
from tradeflow_channel_adapter.api.routes import router
from tradeflow_channel_adapter.api.wiring import ChannelAdapterApi
from tradeflow_channel_adapter.app.handlers import message_handlers
from tradeflow_channel_adapter.app.poll import poll_channels
from tradeflow_channel_adapter.app.ports import Collaborators
from tradeflow_channel_adapter.app.sync_back import Backoff, send_due
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_channel_adapter.settings import Settings
from tradeflow_kit.http import create_http_app
from tradeflow_kit.periodic import run_rounds
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.system import Clock, SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions

SYNC_BATCH = 20


def build_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(ChannelAdapterError,))
    c = Collaborators(clock=clock or SystemClock(), ids=UuidIdGenerator())
    transactions = SqlaTransactions(runtime.sessions, runtime.outbox, SqlaChannelAdapterTransaction)
    for topic, handlers in message_handlers(SqlaChannelAdapterTransaction.for_message, c).items():
        runtime.consume(topic, handlers)
    calls = HttpChannelCalls(c.clock, settings.channel_timeout_seconds)
    runtime.run_in_background(lambda stop: _calling_channels(settings, transactions, calls, c, stop))
    app = create_http_app(runtime, routers=[account_router, router, intake_router])
    app.state.api = ChannelAdapterApi(transactions, c, timedelta(seconds=settings.webhook_tolerance_seconds))
    app.state.channel_calls = calls
    PROBLEMS.install(app)
    return app


async def _calling_channels(settings: Settings, transactions: SqlaTransactions, calls: HttpChannelCalls,
                            c: Collaborators, stop: asyncio.Event) -> None:
    """The sync-back and poll jobs, the only users of the channels' HTTP client, which is closed at
    shutdown once both have stopped (the runtime's stop waits for them) — not in a router's
    lifespan, which FastAPI ends before the app's own, so before the jobs' last round."""
    backoff = Backoff(timedelta(seconds=settings.sync_first_backoff_seconds),
                      timedelta(seconds=settings.sync_max_backoff_seconds))
    try:
        await asyncio.gather(
            run_rounds("sync_back", lambda: send_due(transactions, calls, backoff, c.clock, limit=SYNC_BATCH), stop,
                       interval=settings.sync_poll_seconds, full=SYNC_BATCH),
            run_rounds("poll", lambda: poll_channels(transactions, calls, c), stop, interval=settings.poll_seconds))
    finally:
        await calls.close()
