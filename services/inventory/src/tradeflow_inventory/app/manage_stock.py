"""Staff keep the warehouse list and the on-hand counts; reading stock and reservations."""

from dataclasses import dataclass

from tradeflow_inventory.app.ports import InventoryTransaction
from tradeflow_inventory.domain.errors import UnknownWarehouse
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.stock import Stock, Warehouse


async def define_warehouse(tx: InventoryTransaction, warehouse: Warehouse) -> Warehouse:
    await tx.warehouses.save(warehouse)
    return warehouse


async def set_on_hand(tx: InventoryTransaction, sku: str, warehouse: str, on_hand: int) -> Stock:
    """A stock count replaces on-hand; refused below what is reserved (StockBelowReserved)."""
    if await tx.warehouses.get(warehouse) is None:
        raise UnknownWarehouse(f"there is no warehouse {warehouse!r}; define it first")
    stock = await tx.stock.lock_or_create(sku, warehouse)
    stock.set_on_hand(on_hand)
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


async def stock_of_sku(tx: InventoryTransaction, sku: str) -> SkuStock:
    return SkuStock(sku, await tx.stock.of_sku(sku))


async def reservations_of_order(tx: InventoryTransaction, order_id: str) -> list[Reservation]:
    return await tx.reservations.of_order(order_id)
