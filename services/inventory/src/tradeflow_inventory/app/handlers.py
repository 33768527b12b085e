"""The inventory's command handlers, as a plain table: each calls one use case in the message's
own transaction (the use case publishes its answer through that transaction's outbox). A stock
rule that refuses is a domain error: bootstrap passes InventoryError to the kit, which
dead-letters it at once instead of retrying."""

from collections.abc import Callable

from tradeflow_contracts.inventory import DeductStock, ReleaseStock, ReserveStock, RestockReturned
from tradeflow_contracts.registry import Contract
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.app.restock_returned import restock_returned
from tradeflow_kit.messaging.handlers import UseCase, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext

USE_CASES: dict[type[Contract], UseCase] = {
    ReserveStock: reserve_stock,
    ReleaseStock: release_stock,
    DeductStock: deduct_stock,
    RestockReturned: restock_returned,
}


def command_handlers(transaction_for: Callable[[MessageContext], InventoryTransaction],
                     clock: Clock) -> dict[type[Contract], Handler]:
    """ReserveStock, ReleaseStock, DeductStock and RestockReturned on `inventory.commands`; the
    clock is the only collaborator."""
    return use_case_handlers(USE_CASES, transaction_for, clock)
