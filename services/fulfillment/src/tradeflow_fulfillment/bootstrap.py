"""Composition root: the one place the fulfillment service's parts are built and wired."""

from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import APIRouter, FastAPI

from tradeflow_fulfillment.adapters.http_carriers import HttpCarriers
from tradeflow_fulfillment.adapters.http_warehouse import HttpWarehouse
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_fulfillment.api.callbacks import router as callbacks_router
from tradeflow_fulfillment.api.entitlements import router as entitlements_router
from tradeflow_fulfillment.api.problems import PROBLEMS
from tradeflow_fulfillment.api.re_review import router as re_review_router
from tradeflow_fulfillment.api.returns import router as returns_router
from tradeflow_fulfillment.api.review import router as review_router
from tradeflow_fulfillment.api.routes import router
from tradeflow_fulfillment.api.wiring import FulfillmentApi
from tradeflow_fulfillment.app.dispatch_shipments import run_dispatcher
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.intercept_shipments import run_interceptor
from tradeflow_fulfillment.app.outside_jobs import DispatchPolicy
from tradeflow_fulfillment.app.ports import Collaborators, Logistics
from tradeflow_fulfillment.app.register_returns import run_return_registrar
from tradeflow_fulfillment.domain.carriers import CarrierRules
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.merging import MergeWindow
from tradeflow_fulfillment.domain.model import ParcelRules
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.settings import Settings
from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.runtime import ServiceRuntime, build_runtime
from tradeflow_kit.system import Clock, SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_kit.webhook_signature import WebhookSignature


def planning_rules(settings: Settings) -> PlanningRules:
    """The rules from configuration; a carrier rule that cannot be read stops the start here."""
    return PlanningRules(
        ParcelRules(settings.parcel_max_weight_grams, settings.parcel_max_volume_cm3, settings.high_value_amount),
        CarrierRules.parse(settings.carrier_rules), MergeWindow(timedelta(seconds=settings.merge_window_seconds)),
        paid_since=settings.plan_paid_since)


def dispatch_policy(settings: Settings) -> DispatchPolicy:
    return DispatchPolicy(interval=timedelta(seconds=settings.dispatch_interval_seconds),
                          batch=settings.dispatch_batch, lease=timedelta(seconds=settings.dispatch_lease_seconds),
                          first_backoff=timedelta(seconds=settings.dispatch_retry_first_backoff_seconds),
                          max_backoff=timedelta(seconds=settings.dispatch_retry_max_backoff_seconds))


def http_logistics(settings: Settings) -> Logistics:
    timeout = settings.outside_timeout_seconds
    return Logistics(HttpWarehouse(settings.wms_url, settings.wms_api_key.get_secret_value(), timeout),
                     HttpCarriers(settings.tms_url, settings.tms_api_key.get_secret_value(), timeout))


def build_app(settings: Settings, *, clock: Clock | None = None, logistics: Logistics | None = None) -> FastAPI:
    """The service; tests may pass their own clock and warehouse/carriers (HTTP ones otherwise)."""
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(FulfillmentError,))
    c = Collaborators(clock or SystemClock(), UuidIdGenerator(), planning_rules(settings),
                      timedelta(seconds=settings.intercept_deadline_seconds))
    for topic, handlers in message_handlers(SqlaFulfillmentTransaction.for_message, c).items():
        runtime.consume(topic, handlers)  # order.paid, StopFulfillment, ChangeReceiver, after-sales, …: handlers.py
    owned, logistics = logistics is None, logistics or http_logistics(settings)
    # The dispatcher's messages are correlated by their key (the order), like a saga's.
    dispatching = SqlaTransactions(runtime.sessions, runtime.outbox, SqlaFulfillmentTransaction, lambda: None)
    policy = dispatch_policy(settings)
    if settings.dispatch_enabled:
        runtime.run_in_background(lambda stop: run_dispatcher(dispatching, logistics, c.clock, policy, stop))
        runtime.run_in_background(lambda stop: run_interceptor(dispatching, logistics, c.clock, policy, stop))
        runtime.run_in_background(lambda stop: run_return_registrar(dispatching, logistics, c.clock, policy, stop))
    closing = [_closing(logistics)] if owned else []
    app = create_http_app(runtime, routers=[router, review_router, re_review_router, callbacks_router,
                                                   entitlements_router, returns_router, *closing])
    app.state.api = _fulfillment_api(settings, runtime, c)
    app.state.dispatcher = (dispatching, logistics, c.clock, policy)  # its parts, for tests to run one round
    # (of the dispatcher, app/dispatch_shipments.py, the interceptor, app/intercept_shipments.py, or the
    # returns job, app/register_returns.py)
    PROBLEMS.install(app)
    return app


def _fulfillment_api(settings: Settings, runtime: ServiceRuntime, c: Collaborators) -> FulfillmentApi:
    tolerance = timedelta(seconds=settings.callback_tolerance_seconds)
    return FulfillmentApi(
        SqlaTransactions(runtime.sessions, runtime.outbox, SqlaFulfillmentTransaction), c,
        IdempotencyStore(idempotency_keys),
        WebhookSignature("WMS", settings.wms_webhook_secret.get_secret_value(), tolerance),
        WebhookSignature("TMS", settings.tms_webhook_secret.get_secret_value(), tolerance))


def _closing(logistics: Logistics) -> APIRouter:
    """A router without routes whose lifespan closes the warehouse's and carriers' HTTP clients."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            yield
        finally:
            for client in (logistics.warehouse, logistics.carriers):
                await client.aclose()

    return APIRouter(lifespan=lifespan)
