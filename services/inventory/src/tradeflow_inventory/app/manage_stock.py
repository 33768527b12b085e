"""Staff keep the warehouse list and the on-hand counts; reading stock and reservations."""

from dataclasses import dataclass

from tradeflow_inventory.app.ports import InventoryStore
from tradeflow_inventory.domain.errors import UnknownWarehouse
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.stock import Stock, Warehouse


async def define_warehouse(store: InventoryStore, warehouse: Warehouse) -> Warehouse:
    await store.warehouses.save(warehouse)
    return warehouse


async def set_on_hand(store: InventoryStore, sku: str, warehouse: str, on_hand: int) -> Stock:
    """A stock count replaces on-hand; refused below what is reserved (StockBelowReserved)."""
    if await store.warehouses.get(warehouse) is None:
        raise UnknownWarehouse(f"there is no warehouse {warehouse!r}; define it first")
    stock = await store.stock.lock_or_create(sku, warehouse)
    stock.set_on_hand(on_hand)
    await store.stock.save(stock)
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


async def stock_of_sku(store: InventoryStore, sku: str) -> SkuStock:
    return SkuStock(sku, await store.stock.of_sku(sku))


async def reservations_of_order(store: InventoryStore, order_id: str) -> list[Reservation]:
    return await store.reservations.of_order(order_id)
