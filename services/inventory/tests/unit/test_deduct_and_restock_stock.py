"""DeductStock and RestockReturned, the use cases on the fakes: what they answer, to which key,
and that each shipment and each return counts once."""

from datetime import timedelta

import pytest

from tradeflow_contracts.inventory import (
    DeductStock,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    RestockReturned,
    ShipmentUnits,
    StockDeducted,
    StockReserved,
    StockRestocked,
)
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.app.restock_returned import restock_returned
from tradeflow_inventory.domain.errors import ConflictingRepeat, DeductionBeyondReservation
from tradeflow_inventory.domain.stock import Warehouse

EAST = Warehouse("east-1", "east", 1)


def reserving(order_id: str, sub_order_id: str, **skus: int) -> ReserveStock:
    return ReserveStock(order_id=order_id, sub_order_id=sub_order_id, region="east",
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in skus.items()])


def units(order_id: str, sub_order_id: str, sku: str, quantity: int) -> ShipmentUnits:
    return ShipmentUnits(order_id=order_id, sub_order_id=sub_order_id, line_id=f"l-{sku}", sku=sku,
                         warehouse="east-1", quantity=quantity)


def shipment(shipment_id: str, *lines: ShipmentUnits) -> DeductStock:
    return DeductStock(shipment_id=shipment_id, lines=list(lines))


def returning(return_id: str, *lines: ShipmentUnits, shipment_id: str = "sh-1") -> RestockReturned:
    return RestockReturned(shipment_id=shipment_id, return_id=return_id, reason="unwanted", lines=list(lines))


@pytest.fixture
async def reserved(tx, clock):
    """o-2/s-2 holds 2 a, o-1/s-1 holds 3 a and 1 b, all in east-1 (10 a, 10 b on hand)."""
    tx.put(EAST, a=10, b=10)
    await reserve_stock(tx, reserving("o-2", "s-2", a=2), clock)
    await reserve_stock(tx, reserving("o-1", "s-1", a=3, b=1), clock)
    tx.published.clear()


async def test_a_parcel_of_two_orders_is_deducted_and_answered_keyed_by_its_first_lines_order(tx, clock, reserved):
    command = shipment("sh-1", units("o-2", "s-2", "a", 2), units("o-1", "s-1", "a", 1))
    answer = await deduct_stock(tx, command, clock)
    assert answer == StockDeducted(shipment_id="sh-1", lines=command.lines, deducted_at=clock.at)
    assert tx.published == [("o-2", answer)]
    assert tx.levels("a", "east-1")[:2] == (7, 2)
    assert {r.key[:2]: (r.state.value, r.shipped) for r in tx.reservations.rows if r.allocation.sku == "a"} == {
        ("o-2", "s-2"): ("fulfilled", 2), ("o-1", "s-1"): ("active", 1)}


async def test_a_repeated_shipment_deducts_nothing_and_answers_as_the_first_time(tx, clock, reserved):
    command = shipment("sh-1", units("o-1", "s-1", "a", 1), units("o-1", "s-1", "b", 1))
    first = await deduct_stock(tx, command, clock)
    clock.advance(timedelta(hours=1))  # the answer keeps the first deduction's time
    reordered = shipment("sh-1", *reversed(command.lines))
    assert await deduct_stock(tx, reordered, clock) == first
    assert [key for key, _ in tx.published] == ["o-1", "o-1"]
    assert (tx.levels("a", "east-1")[:2], tx.levels("b", "east-1")[:2]) == ((9, 4), (9, 0))


async def test_a_repeated_shipment_with_other_units_is_refused(tx, clock, reserved):
    await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "a", 1)), clock)
    with pytest.raises(ConflictingRepeat, match="shipment sh-1 was deducted"):
        await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "a", 2)), clock)
    assert tx.levels("a", "east-1")[:2] == (9, 4)


async def test_a_refused_shipment_deducts_nothing_and_publishes_nothing(tx, clock, reserved):
    with pytest.raises(DeductionBeyondReservation):
        await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "b", 1), units("o-2", "s-2", "a", 3)), clock)
    assert tx.published == [] and tx.movements.deductions == {}
    assert (tx.levels("a", "east-1")[:2], tx.levels("b", "east-1")[:2]) == ((10, 5), (10, 1))
    assert all(r.shipped == 0 for r in tx.reservations.rows)


async def test_releasing_a_partly_shipped_sub_order_releases_only_what_did_not_ship(tx, clock, reserved):
    await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "a", 2)), clock)
    released = await release_stock(tx, ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled"), clock)
    assert released.released_quantity == 2  # 1 a and 1 b; the 2 a shipped stay shipped
    assert (tx.levels("a", "east-1")[:2], tx.levels("b", "east-1")[:2]) == ((8, 2), (10, 0))


async def test_a_fulfilled_sub_order_asked_again_answers_with_its_reservation(tx, clock, reserved):
    await deduct_stock(tx, shipment("sh-1", units("o-2", "s-2", "a", 2)), clock)
    again = await reserve_stock(tx, reserving("o-2", "s-2", a=2), clock)
    assert isinstance(again, StockReserved) and [a.quantity for a in again.allocations] == [2]
    assert tx.levels("a", "east-1")[:2] == (8, 3)


async def test_a_return_goes_back_on_hand_once_per_return(tx, clock, reserved):
    await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "a", 3), units("o-1", "s-1", "b", 1)), clock)
    command = returning("r-1", units("o-1", "s-1", "a", 2))
    answer = await restock_returned(tx, command, clock)
    assert answer == StockRestocked(shipment_id="sh-1", return_id="r-1", lines=command.lines, restocked_at=clock.at)
    assert await restock_returned(tx, command, clock) == answer
    assert tx.published[-2:] == [("o-1", answer), ("o-1", answer)]
    assert tx.levels("a", "east-1")[:2] == (9, 2)  # 10 − 3 shipped + 2 back; o-2's 2 still reserved
    await restock_returned(tx, returning("r-2", units("o-1", "s-1", "a", 1)), clock)
    held = next(r for r in tx.reservations.rows if r.key == ("o-1", "s-1", "l-a", "east-1"))
    assert (held.state.value, held.shipped, held.returned) == ("fulfilled", 3, 3)


async def test_a_repeated_return_with_other_units_is_refused(tx, clock, reserved):
    await deduct_stock(tx, shipment("sh-1", units("o-1", "s-1", "a", 3)), clock)
    await restock_returned(tx, returning("r-1", units("o-1", "s-1", "a", 1)), clock)
    with pytest.raises(ConflictingRepeat, match="return r-1 was restocked"):
        await restock_returned(tx, returning("r-1", units("o-1", "s-1", "a", 2)), clock)
    assert tx.levels("a", "east-1")[:2] == (8, 2)
