"""Release what a sub-order holds, e.g. when its order is cancelled (DOMAIN §3)."""

import structlog

from tradeflow_contracts.inventory import ReleaseStock, StockReleased
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.domain.reservation import SubOrderRef

log = structlog.get_logger(__name__)


async def release_stock(tx: InventoryTransaction, command: ReleaseStock, clock: Clock) -> StockReleased:
    """Every active reservation of the sub-order gives back the units that did not ship — on-hand
    units to `reserved`, units still waiting for incoming stock (pre-sale) to `reserved_incoming`
    — and StockReleased, with how many units came back, is published keyed by the order. Nothing
    to release (never reserved, rejected, already released, or every unit shipped) is fine and
    answers with a released quantity of 0."""
    sub_order = SubOrderRef(command.order_id, command.sub_order_id)
    # Stock rows first, in (sku, warehouse) order, as every use case locks them (a receipt of goods
    # holds a row's lock while it updates the reservations waiting there); then the reservations,
    # read again under those locks. One a concurrent reservation of this sub-order committed in
    # between, in a row not locked here, is left as if it had come after this release.
    keys = {r.stock_key for r in await tx.reservations.of_sub_order(sub_order) if r.is_active}
    stock = {(row.sku, row.warehouse): row for row in await tx.stock.lock_rows(keys)}
    active = [r for r in await tx.reservations.of_sub_order(sub_order, lock=True)
              if r.is_active and r.stock_key in stock]
    now = clock.now()
    for reservation in active:
        reservation.release(stock[reservation.stock_key], now)
    for key in sorted(stock):
        await tx.stock.save(stock[key])
    await tx.reservations.save(active)
    released = StockReleased(order_id=command.order_id, sub_order_id=command.sub_order_id,
                             released_quantity=sum(r.unshipped for r in active))
    log.info("inventory.release_stock", order_id=command.order_id, sub_order_id=command.sub_order_id,
             released_quantity=released.released_quantity, reason=command.reason)
    await tx.publish(released, key=command.order_id)
    return released
