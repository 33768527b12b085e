import pytest

from tradeflow_contracts.inventory import (
    Allocation,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    Shortage,
    StockReservationRejected,
    StockReserved,
)
from tradeflow_inventory.app.manage_stock import StockFigures, set_stock, stock_of_sku
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.domain.errors import StockBelowReserved, UnknownWarehouse
from tradeflow_inventory.domain.stock import Warehouse

EAST = Warehouse("east-1", "east", 1)
WEST = Warehouse("west-1", "west", 1)


def command(*lines: tuple[str, int], sub_order_id: str = "s-1", allow_split: bool = False) -> ReserveStock:
    return ReserveStock(order_id="o-1", sub_order_id=sub_order_id, region="east", allow_split=allow_split,
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in lines])


async def test_reserves_every_line_and_answers_with_the_allocations(tx, clock):
    tx.put(EAST, a=5, b=5)
    outcome = await reserve_stock(tx, command(("a", 2), ("b", 1)), clock)
    assert isinstance(outcome, StockReserved) and outcome.reserved_at == clock.at
    assert outcome.allocations == [Allocation(line_id="l-a", sku="a", warehouse="east-1", quantity=2),
                                   Allocation(line_id="l-b", sku="b", warehouse="east-1", quantity=1)]
    assert (tx.reserved("a", "east-1"), tx.reserved("b", "east-1")) == (2, 1)
    assert tx.published == [("o-1", outcome)]


async def test_reserves_nothing_when_one_line_is_short(tx, clock):
    tx.put(EAST, a=5, b=0)
    outcome = await reserve_stock(tx, command(("a", 2), ("b", 1)), clock)
    assert outcome == StockReservationRejected(order_id="o-1", sub_order_id="s-1", reason="insufficient-stock",
                                               shortages=[Shortage(sku="b", requested=1, available=0)])
    assert tx.reserved("a", "east-1") == 0 and tx.reservations.rows == []
    assert tx.published == [("o-1", outcome)]


async def test_a_repeated_command_reserves_nothing_more_and_repeats_the_answer(tx, clock):
    tx.put(EAST, a=5)
    tx.put(WEST, b=5)
    first = await reserve_stock(tx, command(("b", 1), ("a", 2), allow_split=True), clock)
    again = await reserve_stock(tx, command(("b", 1), ("a", 2), allow_split=True), clock)
    assert again == first and (tx.reserved("a", "east-1"), tx.reserved("b", "west-1")) == (2, 1)


async def test_splits_across_warehouses_when_allowed(tx, clock):
    tx.put(EAST, a=1)
    tx.put(WEST, a=1)
    outcome = await reserve_stock(tx, command(("a", 2), allow_split=True), clock)
    assert [(a.warehouse, a.quantity) for a in outcome.allocations] == [("east-1", 1), ("west-1", 1)]


async def test_releasing_gives_back_everything_the_sub_order_holds(tx, clock):
    tx.put(EAST, a=1)
    tx.put(WEST, a=1)
    await reserve_stock(tx, command(("a", 2), allow_split=True), clock)
    released = await release_stock(tx, ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled"), clock)
    assert released.released_quantity == 2
    assert (tx.reserved("a", "east-1"), tx.reserved("a", "west-1")) == (0, 0)
    assert {r.state.value for r in tx.reservations.rows} == {"released"}
    assert tx.published[-1] == ("o-1", released)


async def test_releasing_twice_or_releasing_nothing_releases_zero(tx, clock):
    tx.put(EAST, a=1)
    await reserve_stock(tx, command(("a", 1)), clock)
    release = ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled")
    assert (await release_stock(tx, release, clock)).released_quantity == 1
    assert (await release_stock(tx, release, clock)).released_quantity == 0
    never = ReleaseStock(order_id="o-1", sub_order_id="s-9", reason="cancelled")
    assert (await release_stock(tx, never, clock)).released_quantity == 0


async def test_a_released_sub_order_is_not_reserved_again(tx, clock):
    tx.put(EAST, a=5)
    await reserve_stock(tx, command(("a", 1)), clock)
    await release_stock(tx, ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled"), clock)
    outcome = await reserve_stock(tx, command(("a", 1)), clock)
    assert isinstance(outcome, StockReservationRejected) and outcome.reason == "reservation-released"
    assert tx.reserved("a", "east-1") == 0


async def test_a_stock_count_needs_a_known_warehouse_and_may_not_go_below_reserved(tx, clock):
    with pytest.raises(UnknownWarehouse):
        await set_stock(tx, "a", "nowhere", StockFigures(on_hand=3))
    tx.put(EAST, a=5)
    await reserve_stock(tx, command(("a", 3)), clock)
    with pytest.raises(StockBelowReserved):
        await set_stock(tx, "a", "east-1", StockFigures(on_hand=2))
    assert (await set_stock(tx, "a", "east-1", StockFigures(on_hand=3))).available == 0


async def test_stock_of_a_sku_adds_up_its_warehouses(tx, clock):
    tx.put(EAST, a=5)
    tx.put(WEST, a=2)
    await reserve_stock(tx, command(("a", 3)), clock)
    total = await stock_of_sku(tx, "a")
    assert (total.on_hand, total.reserved, total.available) == (7, 3, 4)
