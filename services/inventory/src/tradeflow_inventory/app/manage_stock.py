"""Staff keep the warehouse list, the on-hand counts and the incoming stock; reading stock,
reservations and the movements of shipments and returns."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from tradeflow_inventory.app.ports import InventoryTransaction, MovementFilter
from tradeflow_inventory.domain.errors import UnknownWarehouse
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.shipment import Movement
from tradeflow_inventory.domain.stock import Stock, Warehouse


class Keep(Enum):
    """A figure staff did not send: it stays as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class StockFigures:
    """What staff set on a stock row: the on-hand count, and — when sent — the units expected from
    a supplier and when (None clears the ETA)."""

    on_hand: int
    incoming: int | Keep = KEEP
    incoming_eta: datetime | Keep | None = KEEP


async def define_warehouse(tx: InventoryTransaction, warehouse: Warehouse) -> Warehouse:
    await tx.warehouses.save(warehouse)
    return warehouse


async def set_stock(tx: InventoryTransaction, sku: str, warehouse: str, figures: StockFigures) -> Stock:
    """A stock count replaces on-hand, refused below what is reserved (StockBelowReserved);
    incoming is refused below what pre-sales reserved of it (IncomingBelowReserved)."""
    if await tx.warehouses.get(warehouse) is None:
        raise UnknownWarehouse(f"there is no warehouse {warehouse!r}; define it first")
    stock = await tx.stock.lock_or_create(sku, warehouse)
    stock.set_on_hand(figures.on_hand)
    if figures.incoming is not KEEP:
        stock.set_incoming(figures.incoming)
    if figures.incoming_eta is not KEEP:
        stock.set_incoming_eta(figures.incoming_eta)
    await tx.stock.save(stock)
    return stock


@dataclass(frozen=True)
class SkuStock:
    """A SKU's stock in every warehouse that holds a row for it, and the totals."""

    sku: str
    rows: list[Stock]

    @property
    def on_hand(self) -> int:
        return sum(row.on_hand for row in self.rows)

    @property
    def reserved(self) -> int:
        return sum(row.reserved for row in self.rows)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def incoming(self) -> int:
        return sum(row.incoming for row in self.rows)

    @property
    def reserved_incoming(self) -> int:
        return sum(row.reserved_incoming for row in self.rows)

    @property
    def available_incoming(self) -> int:
        return self.incoming - self.reserved_incoming


async def stock_of_sku(tx: InventoryTransaction, sku: str) -> SkuStock:
    return SkuStock(sku, await tx.stock.of_sku(sku))


async def reservations_of_order(tx: InventoryTransaction, order_id: str) -> list[Reservation]:
    return await tx.reservations.of_order(order_id)


async def stock_movements(tx: InventoryTransaction, where: MovementFilter, *, limit: int,
                          before: tuple[datetime, int] | None = None) -> list[Movement]:
    """The audit trail of deductions and restocks, newest first."""
    return await tx.movements.find(where, limit=limit, before=before)
