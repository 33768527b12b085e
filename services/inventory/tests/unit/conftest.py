"""In-memory stand-ins for the inventory's ports, so use cases run without a database."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef
from tradeflow_inventory.domain.shipment import Deduction, Restock
from tradeflow_inventory.domain.stock import Stock, Warehouse


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


class FakeWarehouses:
    def __init__(self) -> None:
        self.rows: dict[str, Warehouse] = {}

    async def get(self, code):
        return self.rows.get(code)

    async def of_codes(self, codes):
        return [self.rows[c] for c in sorted(codes) if c in self.rows]

    async def save(self, warehouse):
        self.rows[warehouse.code] = warehouse


class FakeStock:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Stock] = {}

    async def lock_skus(self, skus):
        return [copy.copy(s) for k, s in sorted(self.rows.items()) if k[0] in skus]

    async def lock_rows(self, keys):
        return [copy.copy(self.rows[k]) for k in sorted(keys) if k in self.rows]

    async def lock_or_create(self, sku, warehouse):
        return copy.copy(self.rows.setdefault((sku, warehouse), Stock(sku, warehouse)))

    async def of_sku(self, sku):
        return [s for k, s in sorted(self.rows.items()) if k[0] == sku]

    async def save(self, stock):
        self.rows[(stock.sku, stock.warehouse)] = copy.copy(stock)


class FakeReservations:
    def __init__(self) -> None:
        self.rows: list[Reservation] = []

    async def of_sub_order(self, sub_order: SubOrderRef, *, lock=False):
        return [r for r in self.rows if r.sub_order == sub_order]

    async def of_sub_orders(self, sub_orders):
        return [r for r in self.rows if r.sub_order in sub_orders]

    async def lock_keys(self, keys):
        return sorted((r for r in self.rows if r.key in keys), key=lambda r: r.key)

    async def waiting_in(self, sku, warehouse):
        return sorted((r for r in self.rows if r.stock_key == (sku, warehouse) and r.waits_for_stock),
                      key=lambda r: (r.reserved_at, r.key))

    async def of_order(self, order_id):
        return [r for r in self.rows if r.sub_order.order_id == order_id]

    async def add(self, reservations):
        self.rows.extend(reservations)

    async def save(self, reservations):
        pass  # the objects are the stored ones


class FakeMovements:
    """Deductions by shipment and restocks by (shipment, return); a second one of either fails,
    as the primary keys make it fail in PostgreSQL."""

    def __init__(self) -> None:
        self.deductions: dict[str, Deduction] = {}
        self.restocked: dict[tuple[str, str], Restock] = {}

    async def deduction(self, shipment_id):
        return self.deductions.get(shipment_id)

    async def restocks(self, shipment_id):
        return [r for (s, _), r in sorted(self.restocked.items()) if s == shipment_id]

    async def add_deduction(self, deduction):
        assert deduction.shipment_id not in self.deductions, "deducted twice"
        self.deductions[deduction.shipment_id] = deduction

    async def add_restock(self, restock):
        key = (restock.shipment_id, restock.return_id)
        assert key not in self.restocked, "restocked twice"
        self.restocked[key] = restock


class FakeTransaction:
    """An in-memory unit of work: the repositories, and the messages it published (key, message)."""

    def __init__(self) -> None:
        self.warehouses, self.stock, self.reservations = FakeWarehouses(), FakeStock(), FakeReservations()
        self.movements = FakeMovements()
        self.published: list[tuple[str, object]] = []

    async def publish(self, message, *, key):
        self.published.append((key, message))

    def put(self, warehouse: Warehouse, **on_hand: int) -> None:
        self.warehouses.rows[warehouse.code] = warehouse
        for sku, units in on_hand.items():
            self.stock.rows[(sku, warehouse.code)] = Stock(sku, warehouse.code, units)

    def expect(self, warehouse: Warehouse, **incoming: int) -> None:
        """Incoming units per SKU in the warehouse (on hand stays as it is, none if no row yet)."""
        self.warehouses.rows[warehouse.code] = warehouse
        for sku, units in incoming.items():
            row = self.stock.rows.setdefault((sku, warehouse.code), Stock(sku, warehouse.code))
            row.set_incoming(units)

    def reserved(self, sku: str, warehouse: str) -> int:
        return self.stock.rows[(sku, warehouse)].reserved

    def levels(self, sku: str, warehouse: str) -> tuple[int, int, int, int]:
        """(on_hand, reserved, incoming, reserved_incoming) of the row."""
        row = self.stock.rows[(sku, warehouse)]
        return row.on_hand, row.reserved, row.incoming, row.reserved_incoming


@pytest.fixture
def tx() -> FakeTransaction:
    return FakeTransaction()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 10, tzinfo=UTC))
