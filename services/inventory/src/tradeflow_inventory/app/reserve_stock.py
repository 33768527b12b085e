"""Reserve every line of a sub-order, all or nothing, in the warehouses the strategy picks: from
on-hand stock, or — a pre-sale sub-order — from incoming stock only, to wait for the goods."""

from collections.abc import Iterable

import structlog

from tradeflow_contracts import inventory as contract
from tradeflow_contracts.inventory import ReserveStock, StockReservationRejected, StockReserved
from tradeflow_inventory.app.ports import Clock, InventoryTransaction
from tradeflow_inventory.domain.allocation import AllocationPlan, LineRequest, allocate, availability
from tradeflow_inventory.domain.reservation import Reservation, ReservationState, SubOrderRef, reserve
from tradeflow_inventory.domain.stock import Stock

log = structlog.get_logger(__name__)

INSUFFICIENT_STOCK = "insufficient-stock"

Outcome = StockReserved | StockReservationRejected


async def reserve_stock(tx: InventoryTransaction, command: ReserveStock, clock: Clock) -> Outcome:
    """The answer (StockReserved or StockReservationRejected) is published keyed by the order;
    a pre-sale's allocations say `incoming`, its shortages count incoming units.

    Idempotent per sub-order: a repeat of a reserved sub-order reserves nothing more and
    answers with the original allocations — also once its units have shipped (fulfilled); a
    sub-order whose reservation was released is refused."""
    outcome = await _reserve(tx, command, clock)
    log.info("inventory.reserve_stock", order_id=command.order_id, sub_order_id=command.sub_order_id,
             pre_sale=command.pre_sale, outcome=outcome.TYPE)
    await tx.publish(outcome, key=command.order_id)
    return outcome


async def _reserve(tx: InventoryTransaction, command: ReserveStock, clock: Clock) -> Outcome:
    sub_order = SubOrderRef(command.order_id, command.sub_order_id)
    lines = [LineRequest(line.line_id, line.sku, line.quantity) for line in command.lines]
    # Lock first: every reservation of these SKUs queues here, so what is read next is settled.
    stock = await tx.stock.lock_skus({line.sku for line in lines})
    if existing := await tx.reservations.of_sub_order(sub_order):
        return _repeat(command, existing)
    warehouses = await tx.warehouses.of_codes({row.warehouse for row in stock})
    available = availability(stock, pre_sale=command.pre_sale)
    plan = allocate(lines, command.region, command.allow_split, warehouses, available)
    if not plan.feasible:
        return _rejected(command, plan)
    by_key = {(row.sku, row.warehouse): row for row in stock}
    reservations = reserve(sub_order, plan.allocations, by_key, clock.now(), pre_sale=command.pre_sale)
    await _save_stock(tx, {r.stock_key: by_key[r.stock_key] for r in reservations}.values())
    await tx.reservations.add(reservations)
    return _reserved(command, reservations)


async def _save_stock(tx: InventoryTransaction, rows: Iterable[Stock]) -> None:
    for row in sorted(rows, key=lambda s: (s.sku, s.warehouse)):
        await tx.stock.save(row)


def _repeat(command: ReserveStock, existing: list[Reservation]) -> Outcome:
    if any(r.is_active for r in existing) or all(r.state is ReservationState.FULFILLED for r in existing):
        return _reserved(command, existing)
    return StockReservationRejected(order_id=command.order_id, sub_order_id=command.sub_order_id,
                                    reason=f"reservation-{ReservationState.RELEASED}")


def _reserved(command: ReserveStock, reservations: list[Reservation]) -> StockReserved:
    """The same answer, in the same order, whether the reservation is new or repeated (a repeat
    says which units of a pre-sale have arrived since)."""
    return StockReserved(order_id=command.order_id, sub_order_id=command.sub_order_id,
                         allocations=allocations_of(reservations),
                         reserved_at=min(r.reserved_at for r in reservations))


def allocations_of(reservations: Iterable[Reservation]) -> list[contract.Allocation]:
    """Reservations as the contract's allocations, by line and warehouse."""
    return [contract.Allocation(line_id=r.allocation.line_id, sku=r.allocation.sku, warehouse=r.allocation.warehouse,
                                quantity=r.quantity, incoming=r.waits_for_stock)
            for r in sorted(reservations, key=lambda r: (r.allocation.line_id, r.allocation.warehouse))]


def _rejected(command: ReserveStock, plan: AllocationPlan) -> StockReservationRejected:
    shortages = [contract.Shortage(sku=s.sku, requested=s.requested, available=s.available) for s in plan.shortages]
    return StockReservationRejected(order_id=command.order_id, sub_order_id=command.sub_order_id,
                                    reason=INSUFFICIENT_STOCK, shortages=shortages)

