"""Release what a sub-order holds, e.g. when its order is cancelled (DOMAIN §3)."""

from tradeflow_contracts.inventory import ReleaseStock, StockReleased
from tradeflow_inventory.app.ports import Clock, InventoryStore
from tradeflow_inventory.domain.reservation import SubOrderRef


async def release_stock(store: InventoryStore, command: ReleaseStock, clock: Clock) -> StockReleased:
    """Every active reservation of the sub-order gives its units back. Nothing to release (never
    reserved, rejected, or already released) is fine and answers with a released quantity of 0."""
    sub_order = SubOrderRef(command.order_id, command.sub_order_id)
    # Reservation rows first, then stock rows in (sku, warehouse) order, as everywhere else.
    active = [r for r in await store.reservations.of_sub_order(sub_order, lock=True) if r.is_active]
    stock = {(row.sku, row.warehouse): row for row in await store.stock.lock_rows({r.stock_key for r in active})}
    now = clock.now()
    for reservation in active:
        reservation.release(stock[reservation.stock_key], now)
    for key in sorted(stock):
        await store.stock.save(stock[key])
    await store.reservations.save(active)
    return StockReleased(order_id=command.order_id, sub_order_id=command.sub_order_id,
                         released_quantity=sum(r.quantity for r in active))
