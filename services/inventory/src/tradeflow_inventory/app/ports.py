"""What the use cases need from the outside world, named by role (adapters implement them)."""

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef
from tradeflow_inventory.domain.shipment import Deduction, Movement, ReservationKey, Restock
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

    async def lock_keys(self, keys: Collection[ReservationKey]) -> list[Reservation]:
        """The reservations with these keys (those that exist), row-locked in key order until the
        transaction ends."""

    async def waiting_in(self, sku: str, warehouse: str) -> list[Reservation]:
        """The active reservations of the (sku, warehouse) row that wait for incoming stock; the
        caller holds that row's stock lock, so they cannot change meanwhile."""

    async def of_order(self, order_id: str) -> list[Reservation]: ...

    async def add(self, reservations: Collection[Reservation]) -> None: ...

    async def save(self, reservations: Collection[Reservation]) -> None:
        """Store the state changes of reservations that were loaded."""


@dataclass(frozen=True)
class MovementFilter:
    """Which movements to list; every filter given must match."""

    sku: str | None = None
    warehouse: str | None = None
    shipment_id: str | None = None
    order_id: str | None = None


class MovementRepository(Protocol):
    """The record of deductions by shipment and restocks by return, and the audit trail of
    their lines."""

    async def deduction(self, shipment_id: str) -> Deduction | None: ...

    async def restocks(self, shipment_id: str) -> list[Restock]:
        """Every return of the shipment restocked so far."""

    async def add_deduction(self, deduction: Deduction) -> None:
        """Record it; a second deduction of the same shipment fails (the store keeps one)."""

    async def add_restock(self, restock: Restock) -> None:
        """Record it; a second restock of the same (shipment, return) fails."""

    async def find(self, where: MovementFilter, *, limit: int,
                   before: tuple[datetime, int] | None = None) -> list[Movement]:
        """Newest first by (at, id), after the cursor `before`."""


class InventoryTransaction(Protocol):
    """One database transaction (the unit of work): the inventory's repositories in it and the
    messages it publishes on commit."""

    @property
    def warehouses(self) -> WarehouseRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def movements(self) -> MovementRepository: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[InventoryTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[InventoryTransaction]:
        """A transaction for reading only: rolled back, never committed."""
