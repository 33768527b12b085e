"""ReleaseStock naming units (a cancellation after payment stopped some parcels of the sub-order
while others go on), the use case on the fakes: what it answers and what it leaves reserved."""

import pytest

from tradeflow_contracts.inventory import (
    DeductStock,
    LineToReserve,
    PreSaleStockArrived,
    ReleaseStock,
    ReserveStock,
    ShipmentUnits,
    StockReleased,
    UnitsToRelease,
)
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.domain.errors import ReleaseBeyondReservation, ReservationNotFound
from tradeflow_inventory.domain.stock import Warehouse

EAST = Warehouse("east-1", "east", 1)


def reserving(*lines: tuple[str, int], pre_sale: bool = False) -> ReserveStock:
    return ReserveStock(order_id="o-1", sub_order_id="s-1", region="east", pre_sale=pre_sale,
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in lines])


def releasing(*units: tuple[str, int]) -> ReleaseStock:
    return ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="parcels-stopped",
                        units=[UnitsToRelease(line_id=f"l-{sku}", warehouse="east-1", quantity=q) for sku, q in units])


def shipping(shipment_id: str, sku: str, quantity: int) -> DeductStock:
    return DeductStock(shipment_id=shipment_id, lines=[ShipmentUnits(
        order_id="o-1", sub_order_id="s-1", line_id=f"l-{sku}", sku=sku, warehouse="east-1", quantity=quantity)])


def states(tx) -> dict[str, tuple[str, int, int]]:
    """line id → (state, shipped, released)"""
    return {r.allocation.line_id: (r.state.value, r.shipped, r.released) for r in tx.reservations.rows}


async def test_releases_only_the_named_units_and_answers_with_them(tx, clock):
    tx.put(EAST, a=10, b=10)
    await reserve_stock(tx, reserving(("a", 3), ("b", 2)), clock)
    answer = await release_stock(tx, releasing(("a", 1)), clock)
    assert answer == StockReleased(order_id="o-1", sub_order_id="s-1", released_quantity=1)
    assert tx.published[-1] == ("o-1", answer)
    assert (tx.levels("a", "east-1")[:2], tx.levels("b", "east-1")[:2]) == ((10, 2), (10, 2))
    assert states(tx) == {"l-a": ("active", 0, 1), "l-b": ("active", 0, 0)}


async def test_the_units_still_to_ship_ship_after_a_release_and_fulfil_the_reservation(tx, clock):
    tx.put(EAST, a=10)
    await reserve_stock(tx, reserving(("a", 3)), clock)
    await deduct_stock(tx, shipping("sh-1", "a", 1), clock)
    await release_stock(tx, releasing(("a", 1)), clock)
    await deduct_stock(tx, shipping("sh-2", "a", 1), clock)
    assert states(tx) == {"l-a": ("fulfilled", 2, 1)}
    assert tx.levels("a", "east-1")[:2] == (8, 0)


async def test_a_release_beyond_what_is_held_releases_nothing_and_publishes_nothing(tx, clock):
    tx.put(EAST, a=10, b=10)
    await reserve_stock(tx, reserving(("a", 3), ("b", 2)), clock)
    await deduct_stock(tx, shipping("sh-1", "b", 1), clock)
    published = list(tx.published)
    with pytest.raises(ReleaseBeyondReservation, match="2 units to release, 1 held"):
        await release_stock(tx, releasing(("a", 1), ("b", 2)), clock)
    with pytest.raises(ReservationNotFound):
        await release_stock(tx, releasing(("a", 1), ("c", 1)), clock)
    assert tx.published == published
    assert (tx.levels("a", "east-1")[:2], tx.levels("b", "east-1")[:2]) == ((10, 3), (9, 1))
    assert states(tx) == {"l-a": ("active", 0, 0), "l-b": ("active", 1, 0)}


async def test_a_whole_release_afterwards_gives_back_only_what_is_still_held(tx, clock):
    tx.put(EAST, a=10)
    await reserve_stock(tx, reserving(("a", 4)), clock)
    await release_stock(tx, releasing(("a", 1)), clock)
    everything = await release_stock(tx, ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled"), clock)
    assert everything.released_quantity == 3
    assert states(tx) == {"l-a": ("released", 0, 4)} and tx.levels("a", "east-1")[:2] == (10, 0)


async def test_a_pre_sale_no_longer_waiting_once_its_waiting_units_went_back_is_announced_once(tx, clock):
    tx.put(EAST, a=0, b=0)
    tx.expect(EAST, a=5, b=5)
    await reserve_stock(tx, reserving(("a", 2), ("b", 1), pre_sale=True), clock)
    await receive_stock(tx, "b", "east-1", 1, "PO-1", clock)
    await receive_stock(tx, "a", "east-1", 1, "PO-2", clock)
    assert not [m for _, m in tx.published if isinstance(m, PreSaleStockArrived)]
    await release_stock(tx, releasing(("a", 1)), clock)  # a's last waiting unit
    released, arrived = (m for _, m in tx.published[-2:])
    assert isinstance(released, StockReleased) and isinstance(arrived, PreSaleStockArrived)
    assert [(a.line_id, a.incoming) for a in arrived.allocations] == [("l-a", False), ("l-b", False)]
    assert tx.levels("a", "east-1") == (1, 1, 4, 0)
    await release_stock(tx, releasing(("a", 1)), clock)  # an on-hand unit now: nothing more arrives
    assert sum(isinstance(m, PreSaleStockArrived) for _, m in tx.published) == 1
