"""The inventory's command handlers: parse nothing, decide nothing — call one use case in the
message's transaction and publish its answer through the outbox of that same transaction."""

from collections.abc import Callable
from typing import Any

import structlog

from tradeflow_contracts.inventory import ReleaseStock, ReserveStock
from tradeflow_inventory.app.ports import Clock, InventoryStore
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_kit.messaging.processor import MessageContext

log = structlog.get_logger(__name__)

StoreFactory = Callable[[Any], InventoryStore]
"""Builds the repositories on the transaction a message is handled in (`ctx.session`)."""


class StockCommandHandlers:
    def __init__(self, store_for: StoreFactory, clock: Clock) -> None:
        self._store_for, self._clock = store_for, clock

    async def reserve(self, message: ReserveStock, ctx: MessageContext) -> None:
        outcome = await reserve_stock(self._store_for(ctx.session), message, self._clock)
        log.info("inventory.reserve_stock", order_id=message.order_id, sub_order_id=message.sub_order_id,
                 outcome=outcome.TYPE)
        await ctx.publish(outcome, key=message.order_id)

    async def release(self, message: ReleaseStock, ctx: MessageContext) -> None:
        outcome = await release_stock(self._store_for(ctx.session), message, self._clock)
        log.info("inventory.release_stock", order_id=message.order_id, sub_order_id=message.sub_order_id,
                 released_quantity=outcome.released_quantity, reason=message.reason)
        await ctx.publish(outcome, key=message.order_id)

