"""Composition root: the one place the order service's parts are built and wired."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.runtime import build_runtime
from tradeflow_order.adapters.repository import SqlaOrderRepository
from tradeflow_order.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_order.api.errors import install_order_errors
from tradeflow_order.api.routes import OrderHttp, router
from tradeflow_order.app.deadlines import run_deadline_scheduler
from tradeflow_order.app.handlers import saga_handlers
from tradeflow_order.app.saga import OrderSaga, SagaSettings
from tradeflow_order.app.use_cases import OrderUseCases
from tradeflow_order.domain.errors import OrderError
from tradeflow_order.domain.risk import RiskPolicy
from tradeflow_order.settings import Settings


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_saga(settings: Settings) -> OrderSaga:
    risk = RiskPolicy(settings.risk_max_amount, settings.risk_max_orders_per_phone_per_hour,
                      settings.risk_max_orders_per_address_per_hour,
                      frozenset(x.strip() for x in settings.risk_blacklist.split(",") if x.strip()))
    timeout = timedelta(seconds=settings.payment_timeout_seconds)
    return OrderSaga(SqlaOrderRepository, utc_now, SagaSettings(timeout, risk))


def build_app(settings: Settings) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(OrderError,))
    saga = build_saga(settings)
    for topic, handlers in saga_handlers(saga).items():
        runtime.consume(topic, handlers)
    runtime.run_in_background(lambda stop: run_deadline_scheduler(
        runtime.sessions, saga, runtime.outbox, stop, settings.deadline_poll_seconds))
    app = create_http_app(runtime, routers=[router])
    use_cases = OrderUseCases(saga, runtime.outbox, new_id, settings.max_unpaid_units_per_sku)
    app.state.order_http = OrderHttp(runtime.sessions, use_cases,
                                     SqlaOrderRepository, IdempotencyStore(idempotency_keys))
    install_order_errors(app)
    return app
