"""Composition root: the one place the inventory service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_contracts.inventory import COMMANDS, ReleaseStock, ReserveStock
from tradeflow_contracts.registry import Contract
from tradeflow_inventory.adapters.sqla_store import SqlaInventoryStore, SqlaTransactions, SystemClock
from tradeflow_inventory.adapters.tables import inbox, outbox
from tradeflow_inventory.api.routes import build_router
from tradeflow_inventory.app.handlers import StockCommandHandlers
from tradeflow_inventory.app.ports import Clock
from tradeflow_inventory.domain.errors import InventoryError
from tradeflow_kit.http import create_http_app
from tradeflow_kit.messaging.processor import Handler
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings

DOMAIN_ERRORS = (InventoryError,)
"""Refused by a stock rule: refused on every retry too, so dead-lettered at once."""


def command_handlers(clock: Clock) -> dict[type[Contract], Handler]:
    """What the service does with each command on `inventory.commands`."""
    handlers = StockCommandHandlers(SqlaInventoryStore, clock)
    return {ReserveStock: handlers.reserve, ReleaseStock: handlers.release}


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = build_runtime(settings, outbox, inbox, domain_errors=DOMAIN_ERRORS)
    runtime.consume(COMMANDS, command_handlers(SystemClock()))
    return create_http_app(runtime, routers=[build_router(SqlaTransactions(runtime.sessions))])
