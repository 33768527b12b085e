"""Put a returned parcel's units back on hand (DOMAIN §3 退货入库): fulfillment sends
RestockReturned when a return is received back at the warehouse."""

import structlog

from tradeflow_contracts.inventory import RestockReturned, StockRestocked
from tradeflow_inventory.app.deduct_stock import save_rows, shipment_units, units_of
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.domain.errors import ConflictingRepeat
from tradeflow_inventory.domain.shipment import Restock, restock
from tradeflow_inventory.domain.stock import Stock

log = structlog.get_logger(__name__)


async def restock_returned(tx: InventoryTransaction, command: RestockReturned, clock: Clock) -> StockRestocked:
    """Every returned unit goes on hand again in its warehouse, free to sell; the reservation it
    shipped from counts it (`returned`) and reserves nothing again. StockRestocked is published
    keyed by the first line's order.

    Once per (shipment, return): a repeat restocks nothing and answers as the first time did; a
    repeat with other units is ConflictingRepeat. A shipment never deducted, or more units of a
    line than the shipment carried (less earlier returns), refuses the whole command."""
    lines = units_of(command.lines)
    # Stock rows first, in (sku, warehouse) order, as every use case locks them (module
    # deduct_stock): a repeat of this return waits here, then finds it below.
    stock = {(row.sku, row.warehouse): row for row in await tx.stock.lock_rows({line.stock_key for line in lines})}
    earlier = await tx.movements.restocks(command.shipment_id)
    done = next((r for r in earlier if r.return_id == command.return_id), None)
    repeat = done is not None
    if done is None:
        returned = Restock(command.shipment_id, command.return_id, command.reason, tuple(lines), clock.now())
        done = await _restock(tx, returned, earlier, stock)
    elif not done.carries(lines):
        raise ConflictingRepeat(f"shipment {command.shipment_id}, return {command.return_id} was restocked at "
                                f"{done.at.isoformat()} with other units than this repeat names")
    answer = StockRestocked(shipment_id=done.shipment_id, return_id=done.return_id,
                            lines=shipment_units(done.lines), restocked_at=done.at)
    log.info("inventory.restock_returned", shipment_id=done.shipment_id, return_id=done.return_id, repeat=repeat,
             reason=done.reason, units=sum(line.quantity for line in done.lines))
    await tx.publish(answer, key=done.lines[0].order_id)
    return answer


async def _restock(tx: InventoryTransaction, returned: Restock, earlier: list[Restock],
                   stock: dict[tuple[str, str], Stock]) -> Restock:
    lines = returned.lines
    deduction = await tx.movements.deduction(returned.shipment_id)
    held = {r.key: r for r in await tx.reservations.lock_keys({line.reservation_key for line in lines})}
    done = restock(returned, deduction, earlier, held, stock)
    await save_rows(tx, stock, lines)
    await tx.reservations.save([held[line.reservation_key] for line in lines])
    await tx.movements.add_restock(done)
    return done
