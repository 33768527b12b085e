"""Composition root: the one place the fulfillment service's parts are built and wired."""

from datetime import timedelta

from fastapi import FastAPI

from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox, outbox
from tradeflow_fulfillment.api.entitlements import router as entitlements_router
from tradeflow_fulfillment.api.problems import PROBLEMS
from tradeflow_fulfillment.api.routes import router
from tradeflow_fulfillment.api.wiring import FulfillmentApi
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.ports import Collaborators
from tradeflow_fulfillment.domain.carriers import CarrierRules
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.merging import MergeWindow
from tradeflow_fulfillment.domain.model import ParcelRules
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.settings import Settings
from tradeflow_kit.http import create_http_app
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.system import Clock, SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions


def planning_rules(settings: Settings) -> PlanningRules:
    """The rules from configuration; a carrier rule that cannot be read stops the start here."""
    return PlanningRules(
        ParcelRules(settings.parcel_max_weight_grams, settings.parcel_max_volume_cm3, settings.high_value_amount),
        CarrierRules.parse(settings.carrier_rules), MergeWindow(timedelta(seconds=settings.merge_window_seconds)))


def build_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The service; tests may pass their own clock."""
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(FulfillmentError,))
    c = Collaborators(clock or SystemClock(), UuidIdGenerator(), planning_rules(settings))
    for topic, handlers in message_handlers(SqlaFulfillmentTransaction.for_message, c).items():
        runtime.consume(topic, handlers)  # order.paid on order.events
    app = create_http_app(runtime, routers=[router, entitlements_router])
    app.state.api = FulfillmentApi(SqlaTransactions(runtime.sessions, runtime.outbox, SqlaFulfillmentTransaction), c)
    PROBLEMS.install(app)
    return app
