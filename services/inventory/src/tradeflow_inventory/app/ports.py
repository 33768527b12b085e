"""What the use cases need from the outside world, named by role (adapters implement them)."""

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef
from tradeflow_inventory.domain.stock import Stock, Warehouse
from tradeflow_kit.system import Clock  # noqa: F401 — the use cases' ports


class WarehouseRepository(Protocol):
    async def get(self, code: str) -> Warehouse | None: ...

    async def of_codes(self, codes: Collection[str]) -> list[Warehouse]: ...

    async def save(self, warehouse: Warehouse) -> None:
        """Create the warehouse or replace its region and priority."""


class StockRepository(Protocol):
    async def lock_skus(self, skus: Collection[str]) -> list[Stock]:
        """Every stock row of these SKUs, row-locked until the transaction ends.

        Rows are locked in (sku, warehouse) order, the same order everywhere, so concurrent
        reservations queue up instead of deadlocking.
        """

    async def lock_rows(self, keys: Collection[tuple[str, str]]) -> list[Stock]:
        """The (sku, warehouse) rows named, row-locked in (sku, warehouse) order."""

    async def lock_or_create(self, sku: str, warehouse: str) -> Stock:
        """The row of `sku` in `warehouse`, row-locked; created empty if there was none."""

    async def of_sku(self, sku: str) -> list[Stock]: ...

    async def save(self, stock: Stock) -> None: ...


class ReservationRepository(Protocol):
    async def of_sub_order(self, sub_order: SubOrderRef, *, lock: bool = False) -> list[Reservation]:
        """The sub-order's reservations; with `lock`, row-locked until the transaction ends."""

    async def of_sub_orders(self, sub_orders: Collection[SubOrderRef]) -> list[Reservation]:
        """Every reservation of these sub-orders, row-locked in key order until the transaction ends."""

    async def waiting_in(self, sku: str, warehouse: str) -> list[Reservation]:
        """The active reservations of the (sku, warehouse) row that wait for incoming stock; the
        caller holds that row's stock lock, so they cannot change meanwhile."""

    async def of_order(self, order_id: str) -> list[Reservation]: ...

    async def add(self, reservations: Collection[Reservation]) -> None: ...

    async def save(self, reservations: Collection[Reservation]) -> None:
        """Store the state changes of reservations that were loaded."""


class InventoryTransaction(Protocol):
    """One database transaction (the unit of work): the inventory's repositories in it and the
    messages it publishes on commit."""

    @property
    def warehouses(self) -> WarehouseRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[InventoryTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[InventoryTransaction]:
        """A transaction for reading only: rolled back, never committed."""
