"""Composition root: the one place the order service's parts are built and wired."""

from datetime import timedelta

from fastapi import FastAPI

from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.notifications import ChannelWatch
from tradeflow_kit.runtime import ServiceRuntime, build_runtime
from tradeflow_kit.sagas.dead_letters import park_on_dead_letter
from tradeflow_kit.sagas.http import saga_router
from tradeflow_kit.sagas.scheduler import run_deadline_scheduler
from tradeflow_kit.system import SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_order.adapters.order_changes import CHANNEL
from tradeflow_order.adapters.sqla_transaction import SqlaOrderTransaction
from tradeflow_order.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_order.api.catalog_routes import CATALOG_PROBLEMS
from tradeflow_order.api.catalog_routes import router as catalog_router
from tradeflow_order.api.problems import PROBLEMS
from tradeflow_order.api.report_routes import router as reports_router
from tradeflow_order.api.routes import router
from tradeflow_order.api.wiring import OrderApi
from tradeflow_order.app.auto_confirm import run_auto_confirm
from tradeflow_order.app.close_unpaid_order import deadline_actions
from tradeflow_order.app.handlers import reply_handlers
from tradeflow_order.app.order_saga import order_saga
from tradeflow_order.app.ports import Clock, Collaborators
from tradeflow_order.domain.errors import OrderError
from tradeflow_order.domain.risk import RiskPolicy
from tradeflow_order.settings import Settings


def collaborators(settings: Settings, clock: Clock | None = None) -> Collaborators:
    risk = RiskPolicy(settings.risk_max_amount, settings.risk_max_orders_per_phone_per_hour,
                      settings.risk_max_orders_per_address_per_hour,
                      frozenset(x.strip() for x in settings.risk_blacklist.split(",") if x.strip()))
    return Collaborators(clock=clock or SystemClock(), ids=UuidIdGenerator(),
                         saga=order_saga(timedelta(seconds=settings.payment_timeout_seconds),
                                         timedelta(seconds=settings.review_timeout_seconds)), risk=risk,
                         max_unpaid_units_per_sku=settings.max_unpaid_units_per_sku,
                         auto_confirm_after=timedelta(seconds=settings.auto_confirm_seconds))


def build_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The service; tests may pass their own clock."""
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(OrderError,))
    c = collaborators(settings, clock)
    _consume_replies(runtime, c)
    transactions = _transactions(runtime)
    runtime.run_in_background(lambda stop: run_deadline_scheduler(
        transactions, c.saga, deadline_actions(c), c.clock.now, stop=stop, interval=settings.deadline_poll_seconds))
    runtime.run_in_background(lambda stop: run_auto_confirm(transactions, c, stop,
                                                            interval=settings.deadline_poll_seconds))
    app = create_http_app(runtime, routers=[reports_router, router, catalog_router,
                                            saga_router(transactions, [c.saga], clock=c.clock.now)])
    app.state.api = OrderApi(transactions, c, IdempotencyStore(idempotency_keys),
                             order_changes=ChannelWatch(runtime.listener, CHANNEL))
    PROBLEMS.install(app)
    CATALOG_PROBLEMS.install(app)
    return app


def _consume_replies(runtime: ServiceRuntime, c: Collaborators) -> None:
    """Inventory's and payment's replies; one that is dead-lettered parks its order's saga."""
    park = park_on_dead_letter(_transactions(runtime), c.saga,
                               lambda envelope: envelope.payload.get("order_id"), c.clock.now)
    for topic, handlers in reply_handlers(SqlaOrderTransaction.for_message, c).items():
        runtime.consume(topic, handlers, on_dead_letter=park)


def _transactions(runtime: ServiceRuntime) -> SqlaTransactions[SqlaOrderTransaction]:
    """Every message about an order is correlated with the order (its saga's id, the message key)."""
    return SqlaTransactions(runtime.sessions, runtime.outbox, SqlaOrderTransaction, correlation_id=lambda: None)
