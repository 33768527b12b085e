"""In-memory stand-ins for the inventory's ports, so use cases run without a database."""

import copy
from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef
from tradeflow_inventory.domain.stock import Stock, Warehouse


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


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

    async def of_order(self, order_id):
        return [r for r in self.rows if r.sub_order.order_id == order_id]

    async def add(self, reservations):
        self.rows.extend(reservations)

    async def save(self, reservations):
        pass  # the objects are the stored ones


class FakeTransaction:
    """An in-memory unit of work: the repositories, and the messages it published (key, message)."""

    def __init__(self) -> None:
        self.warehouses, self.stock, self.reservations = FakeWarehouses(), FakeStock(), FakeReservations()
        self.published: list[tuple[str, object]] = []

    async def publish(self, message, *, key):
        self.published.append((key, message))

    def put(self, warehouse: Warehouse, **on_hand: int) -> None:
        self.warehouses.rows[warehouse.code] = warehouse
        for sku, units in on_hand.items():
            self.stock.rows[(sku, warehouse.code)] = Stock(sku, warehouse.code, units)

    def reserved(self, sku: str, warehouse: str) -> int:
        return self.stock.rows[(sku, warehouse)].reserved


@pytest.fixture
def tx() -> FakeTransaction:
    return FakeTransaction()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 10, tzinfo=UTC))
