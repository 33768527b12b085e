"""Composition root: the one place the inventory service's parts are built and wired."""

from fastapi import FastAPI

from tradeflow_contracts.inventory import COMMANDS
from tradeflow_inventory.adapters.sqla_transaction import SqlaInventoryTransaction
from tradeflow_inventory.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_inventory.api.problems import PROBLEMS
from tradeflow_inventory.api.routes import router
from tradeflow_inventory.api.wiring import InventoryApi
from tradeflow_inventory.app.handlers import command_handlers
from tradeflow_inventory.domain.errors import InventoryError
from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.runtime import build_runtime
from tradeflow_kit.settings import ServiceSettings
from tradeflow_kit.system import SystemClock
from tradeflow_kit.unit_of_work import SqlaTransactions


def build_app(settings: ServiceSettings) -> FastAPI:
    # A stock rule that refuses refuses on every retry too: dead-lettered at once.
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(InventoryError,))
    clock = SystemClock()
    handlers = command_handlers(SqlaInventoryTransaction.for_message, clock)
    runtime.consume(COMMANDS, handlers)
    app = create_http_app(runtime, routers=[router])
    app.state.api = InventoryApi(transactions=SqlaTransactions(runtime.sessions, runtime.outbox,
                                                               SqlaInventoryTransaction),
                                 idempotency=IdempotencyStore(idempotency_keys), clock=clock)
    app.state.command_handlers = handlers  # for wiring checks and tests
    PROBLEMS.install(app)
    return app
