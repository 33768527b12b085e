"""Release what a sub-order holds: all of it when its order is cancelled (DOMAIN §3), or only the
units a cancellation after payment stopped (`ReleaseStock.units`) while its other parcels ship."""

import structlog

from tradeflow_contracts.inventory import PreSaleStockArrived, ReleaseStock, StockReleased
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.app.reserve_stock import allocations_of
from tradeflow_inventory.domain.release import UnitsToRelease, release_units
from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef, backed_by_on_hand
from tradeflow_inventory.domain.stock import Stock

log = structlog.get_logger(__name__)


async def release_stock(tx: InventoryTransaction, command: ReleaseStock, clock: Clock) -> StockReleased:
    """StockReleased, with how many units this command gave back, is published keyed by the order.

    Without `units`: every active reservation of the sub-order gives back the units it still
    holds — on-hand units to `reserved`, units still waiting for incoming stock (pre-sale) to
    `reserved_incoming` — and is released. Nothing to release (never reserved, rejected,
    already released, or every unit shipped) is fine and answers with a released quantity of 0.

    With `units`: only those units, per (line, warehouse), waiting ones first; each reservation
    stays active for the rest and a later DeductStock of them ships as before. All or nothing:
    units no reservation of the sub-order holds, or more than one holds (also once it ended),
    refuse the whole command — nothing is released — and the kit dead-letters it with the reason.
    A pre-sale sub-order that no longer waits for anything once its waiting units went back is
    announced with PreSaleStockArrived, as a receipt of goods would (once: only this change
    ended its wait).

    A redelivered command is dropped by the kit's inbox (per message id, in this transaction);
    the same units sent again as a new message would be released again."""
    sub_order = SubOrderRef(command.order_id, command.sub_order_id)
    if command.units:
        released, arrived = await _release_units(tx, sub_order, command, clock)
    else:
        released, arrived = await _release_all(tx, sub_order, clock), None
    answer = StockReleased(order_id=command.order_id, sub_order_id=command.sub_order_id, released_quantity=released)
    log.info("inventory.release_stock", order_id=command.order_id, sub_order_id=command.sub_order_id,
             released_quantity=released, named_units=bool(command.units), reason=command.reason)
    await tx.publish(answer, key=command.order_id)
    if arrived is not None:
        await tx.publish(arrived, key=command.order_id)
    return answer


async def _release_all(tx: InventoryTransaction, sub_order: SubOrderRef, clock: Clock) -> int:
    # Stock rows first, in (sku, warehouse) order, as every use case locks them (a receipt of goods
    # holds a row's lock while it updates the reservations waiting there); then the reservations,
    # read again under those locks. One a concurrent reservation of this sub-order committed in
    # between, in a row not locked here, is left as if it had come after this release.
    keys = {r.stock_key for r in await tx.reservations.of_sub_order(sub_order) if r.is_active}
    stock = await _lock_rows(tx, keys)
    active = [r for r in await tx.reservations.of_sub_order(sub_order, lock=True)
              if r.is_active and r.stock_key in stock]
    now = clock.now()
    released = sum(reservation.release(stock[reservation.stock_key], now) for reservation in active)
    await _save(tx, stock, active)
    return released


async def _release_units(tx: InventoryTransaction, sub_order: SubOrderRef, command: ReleaseStock,
                         clock: Clock) -> tuple[int, PreSaleStockArrived | None]:
    units = [UnitsToRelease(u.line_id, u.warehouse, u.quantity) for u in command.units]
    named = {(u.line_id, u.warehouse) for u in units}
    # The same order: the named reservations' stock rows first, then every reservation of the
    # sub-order (to tell whether a pre-sale still waits), locked and read again.
    keys = {r.stock_key for r in await tx.reservations.of_sub_order(sub_order)
            if (r.allocation.line_id, r.allocation.warehouse) in named}
    stock = await _lock_rows(tx, keys)
    held = await tx.reservations.of_sub_order(sub_order, lock=True)
    waited = any(r.waits_for_stock for r in held)
    now = clock.now()
    changed = release_units(sub_order, units, {r.key: r for r in held if r.stock_key in stock}, stock, now)
    await _save(tx, stock, changed)
    arrived = None
    if waited and backed_by_on_hand(held):
        arrived = PreSaleStockArrived(order_id=sub_order.order_id, sub_order_id=sub_order.sub_order_id,
                                      allocations=allocations_of(r for r in held if r.is_active), arrived_at=now)
    return sum(u.quantity for u in units), arrived


async def _lock_rows(tx: InventoryTransaction, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Stock]:
    return {(row.sku, row.warehouse): row for row in await tx.stock.lock_rows(keys)}


async def _save(tx: InventoryTransaction, stock: dict[tuple[str, str], Stock], reservations: list[Reservation]) -> None:
    for key in sorted(stock):
        await tx.stock.save(stock[key])
    await tx.reservations.save(reservations)
