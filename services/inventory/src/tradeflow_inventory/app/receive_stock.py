"""Goods received from a supplier into a warehouse (staff record a receipt): the stock goes on
hand, and pre-sale sub-orders waiting for it are served (DOMAIN §3: "Pre-sale lines wait for
stock to arrive before allocation")."""

from dataclasses import dataclass

import structlog

from tradeflow_contracts.inventory import PreSaleStockArrived
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.app.reserve_stock import allocations_of
from tradeflow_inventory.domain.errors import UnknownWarehouse
from tradeflow_inventory.domain.receipt import Receipt, receive
from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef, backed_by_on_hand
from tradeflow_inventory.domain.stock import Stock

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class GoodsReceived:
    stock: Stock
    receipt: Receipt
    arrived: tuple[SubOrderRef, ...]
    """Pre-sale sub-orders whose every line is now backed by on-hand stock."""


async def receive_stock(tx: InventoryTransaction, sku: str, warehouse: str, quantity: int, reference: str,
                        clock: Clock) -> GoodsReceived:
    """All `quantity` units go on hand; up to `incoming` of them were expected. The pre-sale
    reservations waiting in this row take the units that arrived, oldest first, and each
    pre-sale sub-order that no longer waits for anything is announced once with
    PreSaleStockArrived, keyed by its order. UnknownWarehouse for a warehouse nobody defined."""
    if await tx.warehouses.get(warehouse) is None:
        raise UnknownWarehouse(f"there is no warehouse {warehouse!r}; define it first")
    # The stock row's lock first, as every use case takes it: reservations of this SKU queue behind it.
    stock = await tx.stock.lock_or_create(sku, warehouse)
    receipt = receive(stock, quantity, await tx.reservations.waiting_in(sku, warehouse))
    await tx.stock.save(stock)
    arrived = await _announce_arrivals(tx, receipt.arrived, clock)
    await tx.reservations.save(receipt.arrived)
    log.info("inventory.goods_received", sku=sku, warehouse=warehouse, quantity=quantity, reference=reference,
             from_incoming=receipt.received.from_incoming, converted=receipt.received.converted,
             arrived_sub_orders=[s.sub_order_id for s in arrived])
    return GoodsReceived(stock, receipt, arrived)


async def _announce_arrivals(tx: InventoryTransaction, served: tuple[Reservation, ...],
                             clock: Clock) -> tuple[SubOrderRef, ...]:
    """Every reservation of the sub-orders served is locked (in key order) before any changes:
    a concurrent receipt of another SKU of the same sub-order waits here and then sees these
    units arrived, so exactly one of the two finds the sub-order complete."""
    touched = sorted({r.sub_order for r in served}, key=lambda s: (s.order_id, s.sub_order_id))
    if not touched:
        return ()
    changed = {r.key: r for r in served}
    held = [changed.get(r.key, r) for r in await tx.reservations.of_sub_orders(touched)]
    now, complete = clock.now(), []
    for sub_order in touched:
        reservations = [r for r in held if r.sub_order == sub_order]
        if backed_by_on_hand(reservations):
            active = [r for r in reservations if r.is_active]
            await tx.publish(PreSaleStockArrived(order_id=sub_order.order_id, sub_order_id=sub_order.sub_order_id,
                                                 allocations=allocations_of(active), arrived_at=now),
                             key=sub_order.order_id)
            complete.append(sub_order)
    return tuple(complete)
