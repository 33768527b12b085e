"""Composition root: the one place the after-sales service's parts are built and wired."""

from datetime import timedelta

from fastapi import FastAPI

from tradeflow_after_sales.adapters.sqla_order_facts import CHANNEL as ORDER_FACTS
from tradeflow_after_sales.adapters.sqla_transaction import SqlaAfterSalesTransaction
from tradeflow_after_sales.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_after_sales.api.problems import PROBLEMS
from tradeflow_after_sales.api.routes import router
from tradeflow_after_sales.api.staff_routes import router as staff_router
from tradeflow_after_sales.api.wiring import AfterSalesApi
from tradeflow_after_sales.app.case_saga import case_saga
from tradeflow_after_sales.app.dead_letters import park_case_on_dead_letter
from tradeflow_after_sales.app.deadlines import deadline_actions
from tradeflow_after_sales.app.handlers import message_handlers
from tradeflow_after_sales.app.open_case import OrderWait
from tradeflow_after_sales.app.ports import Collaborators, RetryPolicy
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_after_sales.settings import Settings
from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.notifications import ChannelWatch
from tradeflow_kit.runtime import ServiceRuntime, build_runtime
from tradeflow_kit.sagas.http import saga_router
from tradeflow_kit.sagas.scheduler import run_deadline_scheduler
from tradeflow_kit.system import Clock, SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions


def collaborators(settings: Settings, clock: Clock | None = None) -> Collaborators:
    seconds = lambda value: timedelta(seconds=value)  # noqa: E731
    return Collaborators(
        clock=clock or SystemClock(), ids=UuidIdGenerator(),
        saga=case_saga(seconds(settings.return_deadline_seconds), seconds(settings.reply_timeout_seconds)),
        windows=settings.windows(),
        retry=RetryPolicy(settings.retry_max_attempts, seconds(settings.retry_first_backoff_seconds),
                          seconds(settings.retry_max_backoff_seconds)),
        merchant_review=settings.merchant_review, review_overdue_after=seconds(settings.review_overdue_seconds))


def build_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The service; tests may pass their own clock."""
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(AfterSalesError,))
    c = collaborators(settings, clock)
    transactions = _transactions(runtime)
    park = park_case_on_dead_letter(transactions, c)
    for topic, handlers in message_handlers(SqlaAfterSalesTransaction.for_message, c).items():
        runtime.consume(topic, handlers, on_dead_letter=park)
    runtime.run_in_background(lambda stop: run_deadline_scheduler(
        transactions, c.saga, deadline_actions(c), c.clock.now, stop=stop, interval=settings.deadline_poll_seconds))
    app = create_http_app(runtime, routers=[router, staff_router, saga_router(transactions, [c.saga],
                                                                              clock=c.clock.now)])
    app.state.api = AfterSalesApi(transactions, c, IdempotencyStore(idempotency_keys),
                                  ChannelWatch(runtime.listener, ORDER_FACTS),
                                  OrderWait(settings.order_wait_seconds, settings.order_settle_seconds))
    PROBLEMS.install(app)
    return app


def _transactions(runtime: ServiceRuntime) -> SqlaTransactions[SqlaAfterSalesTransaction]:
    """Every message about a case is correlated with its order (the message key)."""
    return SqlaTransactions(runtime.sessions, runtime.outbox, SqlaAfterSalesTransaction, correlation_id=lambda: None)
