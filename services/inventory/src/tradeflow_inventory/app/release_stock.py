"""Release what a sub-order holds, e.g. when its order is cancelled (DOMAIN §3)."""

import structlog

from tradeflow_contracts.inventory import ReleaseStock, StockReleased
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.domain.reservation import SubOrderRef

log = structlog.get_logger(__name__)


async def release_stock(tx: InventoryTransaction, command: ReleaseStock, clock: Clock) -> StockReleased:
    """Every active reservation of the sub-order gives its units back, and StockReleased is
    published keyed by the order. Nothing to release (never reserved, rejected, or already
    released) is fine and answers with a released quantity of 0."""
    sub_order = SubOrderRef(command.order_id, command.sub_order_id)
    # Reservation rows first, then stock rows in (sku, warehouse) order, as everywhere else.
    active = [r for r in await tx.reservations.of_sub_order(sub_order, lock=True) if r.is_active]
    stock = {(row.sku, row.warehouse): row for row in await tx.stock.lock_rows({r.stock_key for r in active})}
    now = clock.now()
    for reservation in active:
        reservation.release(stock[reservation.stock_key], now)
    for key in sorted(stock):
        await tx.stock.save(stock[key])
    await tx.reservations.save(active)
    released = StockReleased(order_id=command.order_id, sub_order_id=command.sub_order_id,
                             released_quantity=sum(r.quantity for r in active))
    log.info("inventory.release_stock", order_id=command.order_id, sub_order_id=command.sub_order_id,
             released_quantity=released.released_quantity, reason=command.reason)
    await tx.publish(released, key=command.order_id)
    return released
