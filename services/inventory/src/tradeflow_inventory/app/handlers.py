"""The inventory's command handlers, as a plain table: each calls one use case in the message's
own transaction (the use case publishes its answer through that transaction's outbox). A stock
rule that refuses is a domain error: bootstrap passes InventoryError to the kit, which
dead-letters it at once instead of retrying."""

from collections.abc import Awaitable, Callable

from tradeflow_contracts.inventory import ReleaseStock, ReserveStock
from tradeflow_contracts.registry import Contract
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_kit.messaging.processor import Handler, MessageContext

TransactionFor = Callable[[MessageContext], InventoryTransaction]
UseCase = Callable[[InventoryTransaction, Contract, Clock], Awaitable[object]]


def command_handlers(transaction_for: TransactionFor, clock: Clock) -> dict[type[Contract], Handler]:
    """ReserveStock and ReleaseStock on `inventory.commands`; the clock is the only collaborator."""

    def handler(use_case: UseCase) -> Handler:
        async def handle(message: Contract, ctx: MessageContext) -> None:
            await use_case(transaction_for(ctx), message, clock)

        handle.__name__ = use_case.__name__
        return handle

    return {ReserveStock: handler(reserve_stock), ReleaseStock: handler(release_stock)}
