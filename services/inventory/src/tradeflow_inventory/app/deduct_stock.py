"""Deduct what a shipment took out of its warehouse (DOMAIN §3 出库扣减): fulfillment sends
DeductStock when a parcel leaves."""

from collections.abc import Iterable

import structlog

from tradeflow_contracts.inventory import DeductStock, ShipmentUnits, StockDeducted
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.domain.errors import ConflictingRepeat
from tradeflow_inventory.domain.shipment import Deduction, UnitLine, deduct
from tradeflow_inventory.domain.stock import Stock

log = structlog.get_logger(__name__)


async def deduct_stock(tx: InventoryTransaction, command: DeductStock, clock: Clock) -> StockDeducted:
    """Each unit line's reservation gives up its units: the stock row's on hand and reserved both
    drop by them; a reservation whose every unit shipped is fulfilled, a partly shipped one stays
    active for the rest. StockDeducted is published keyed by the first line's order.

    Once per shipment: a repeat deducts nothing and answers as the first time did; a repeat with
    other units is ConflictingRepeat. A line its reservation cannot give (none, too many units,
    units still incoming) refuses the whole command — nothing is deducted — and the kit
    dead-letters it with the reason."""
    lines = units_of(command.lines)
    # Stock rows first, in (sku, warehouse) order, as every use case locks them: a repeat of this
    # shipment delivered at the same time waits here, then finds the deduction below.
    stock = {(row.sku, row.warehouse): row for row in await tx.stock.lock_rows({line.stock_key for line in lines})}
    done = await tx.movements.deduction(command.shipment_id)
    repeat = done is not None
    if done is None:
        done = await _deduct(tx, command.shipment_id, lines, stock, clock)
    elif not done.carries(lines):
        raise ConflictingRepeat(f"shipment {command.shipment_id} was deducted at {done.at.isoformat()} with other "
                                "units than this repeat names")
    answer = StockDeducted(shipment_id=done.shipment_id, lines=shipment_units(done.lines), deducted_at=done.at)
    log.info("inventory.deduct_stock", shipment_id=done.shipment_id, repeat=repeat,
             order_ids=sorted({line.order_id for line in done.lines}), units=sum(line.quantity for line in done.lines))
    await tx.publish(answer, key=done.lines[0].order_id)
    return answer


async def _deduct(tx: InventoryTransaction, shipment_id: str, lines: list[UnitLine],
                  stock: dict[tuple[str, str], Stock], clock: Clock) -> Deduction:
    held = {r.key: r for r in await tx.reservations.lock_keys({line.reservation_key for line in lines})}
    deduction = deduct(shipment_id, lines, held, stock, clock.now())
    await save_rows(tx, stock, lines)
    await tx.reservations.save([held[line.reservation_key] for line in lines])
    await tx.movements.add_deduction(deduction)
    return deduction


async def save_rows(tx: InventoryTransaction, stock: dict[tuple[str, str], Stock], lines: Iterable[UnitLine]) -> None:
    """The stock rows the lines moved units in, in (sku, warehouse) order."""
    for key in sorted({line.stock_key for line in lines}):
        await tx.stock.save(stock[key])


def units_of(lines: Iterable[ShipmentUnits]) -> list[UnitLine]:
    return [UnitLine(u.order_id, u.sub_order_id, u.line_id, u.sku, u.warehouse, u.quantity) for u in lines]


def shipment_units(lines: Iterable[UnitLine]) -> list[ShipmentUnits]:
    """The lines as the contract's units, in the order the shipment named them."""
    return [ShipmentUnits(order_id=u.order_id, sub_order_id=u.sub_order_id, line_id=u.line_id, sku=u.sku,
                          warehouse=u.warehouse, quantity=u.quantity) for u in lines]
