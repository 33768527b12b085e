"""Pre-sale sub-orders reserve against incoming stock and wait for it (DOMAIN §3), on the fakes."""

from datetime import timedelta

import pytest

from tradeflow_contracts.inventory import (
    Allocation,
    LineToReserve,
    PreSaleStockArrived,
    ReleaseStock,
    ReserveStock,
    Shortage,
    StockReservationRejected,
    StockReserved,
)
from tradeflow_inventory.app.manage_stock import StockFigures, set_stock
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.domain.errors import IncomingBelowReserved, UnknownWarehouse
from tradeflow_inventory.domain.reservation import SubOrderRef
from tradeflow_inventory.domain.stock import Warehouse

EAST = Warehouse("east-1", "east", 1)
WEST = Warehouse("west-1", "west", 1)


def pre_sale(sub_order_id: str, *lines: tuple[str, int], pre_sale: bool = True, allow_split: bool = False):
    return ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east", pre_sale=pre_sale,
                        allow_split=allow_split,
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in lines])


def arrivals(tx) -> list[PreSaleStockArrived]:
    return [m for _, m in tx.published if isinstance(m, PreSaleStockArrived)]


async def test_a_pre_sale_reserves_incoming_units_and_says_so(tx, clock):
    tx.put(EAST, a=9)
    tx.expect(EAST, a=3)
    outcome = await reserve_stock(tx, pre_sale("s-1", ("a", 2)), clock)
    assert isinstance(outcome, StockReserved)
    assert outcome.allocations == [Allocation(line_id="l-a", sku="a", warehouse="east-1", quantity=2, incoming=True)]
    assert tx.levels("a", "east-1") == (9, 0, 3, 2)
    assert tx.published == [("o-s-1", outcome)]


async def test_a_pre_sale_short_of_incoming_stock_is_rejected_with_the_incoming_shortage(tx, clock):
    tx.put(EAST, a=9)
    tx.expect(EAST, a=1)
    outcome = await reserve_stock(tx, pre_sale("s-1", ("a", 2)), clock)
    assert outcome == StockReservationRejected(order_id="o-s-1", sub_order_id="s-1", reason="insufficient-stock",
                                               shortages=[Shortage(sku="a", requested=2, available=1)])
    assert tx.levels("a", "east-1") == (9, 0, 1, 0) and tx.reservations.rows == []


async def test_an_ordinary_order_never_takes_incoming_units(tx, clock):
    tx.put(EAST, a=1)
    tx.expect(EAST, a=5)
    outcome = await reserve_stock(tx, pre_sale("s-1", ("a", 2), pre_sale=False), clock)
    assert isinstance(outcome, StockReservationRejected) and outcome.shortages[0].available == 1
    assert tx.levels("a", "east-1") == (1, 0, 5, 0)


async def test_a_receipt_serves_waiting_pre_sales_oldest_first_and_announces_each_complete_one_once(tx, clock):
    tx.expect(EAST, a=10)
    for sub_order_id in ("s-1", "s-2", "s-3"):
        await reserve_stock(tx, pre_sale(sub_order_id, ("a", 3)), clock)
        clock.advance(timedelta(minutes=1))
    first_at = clock.at
    first = await receive_stock(tx, "a", "east-1", 4, "PO-1", clock)
    assert first.arrived == (SubOrderRef("o-s-1", "s-1"),)
    assert [(r.sub_order.sub_order_id, r.incoming) for r in tx.reservations.rows] == [("s-1", 0), ("s-2", 2),
                                                                                      ("s-3", 3)]
    clock.advance(timedelta(hours=1))
    second = await receive_stock(tx, "a", "east-1", 9, "PO-2", clock)
    assert second.arrived == (SubOrderRef("o-s-2", "s-2"), SubOrderRef("o-s-3", "s-3"))
    assert [(m.sub_order_id, m.arrived_at) for m in arrivals(tx)] == [("s-1", first_at), ("s-2", clock.at),
                                                                      ("s-3", clock.at)]
    assert arrivals(tx)[0].allocations == [Allocation(line_id="l-a", sku="a", warehouse="east-1", quantity=3)]
    assert tx.levels("a", "east-1") == (13, 9, 0, 0)
    await receive_stock(tx, "a", "east-1", 1, "PO-3", clock)
    assert len(arrivals(tx)) == 3


async def test_a_pre_sale_of_several_skus_arrives_when_its_last_line_does(tx, clock):
    tx.expect(EAST, a=2, b=2)
    await reserve_stock(tx, pre_sale("s-1", ("a", 2), ("b", 1)), clock)
    assert (await receive_stock(tx, "a", "east-1", 2, "PO-a", clock)).arrived == ()
    assert arrivals(tx) == []
    assert (await receive_stock(tx, "b", "east-1", 2, "PO-b", clock)).arrived == (SubOrderRef("o-s-1", "s-1"),)
    [arrived] = arrivals(tx)
    assert [(a.sku, a.incoming) for a in arrived.allocations] == [("a", False), ("b", False)]
    assert tx.published[-1][0] == "o-s-1"


async def test_releasing_a_partly_arrived_pre_sale_gives_back_on_hand_and_incoming_units(tx, clock):
    tx.expect(EAST, a=5)
    await reserve_stock(tx, pre_sale("s-1", ("a", 4)), clock)
    await receive_stock(tx, "a", "east-1", 3, "PO-1", clock)
    assert tx.levels("a", "east-1") == (3, 3, 2, 1)
    release = ReleaseStock(order_id="o-s-1", sub_order_id="s-1", reason="cancelled")
    assert (await release_stock(tx, release, clock)).released_quantity == 4
    assert tx.levels("a", "east-1") == (3, 0, 2, 0)
    assert (await receive_stock(tx, "a", "east-1", 2, "PO-2", clock)).arrived == ()


async def test_a_repeated_pre_sale_reports_what_arrived_since(tx, clock):
    tx.expect(EAST, a=2)
    tx.expect(WEST, a=2)
    await reserve_stock(tx, pre_sale("s-1", ("a", 3), allow_split=True), clock)
    await receive_stock(tx, "a", "west-1", 2, "PO-1", clock)
    again = await reserve_stock(tx, pre_sale("s-1", ("a", 3), allow_split=True), clock)
    assert [(a.warehouse, a.quantity, a.incoming) for a in again.allocations] == [("east-1", 2, True),
                                                                                  ("west-1", 1, False)]


async def test_incoming_may_not_drop_below_what_pre_sales_reserved(tx, clock):
    tx.expect(EAST, a=5)
    await reserve_stock(tx, pre_sale("s-1", ("a", 3)), clock)
    with pytest.raises(IncomingBelowReserved):
        await set_stock(tx, "a", "east-1", StockFigures(on_hand=0, incoming=2))
    row = await set_stock(tx, "a", "east-1", StockFigures(on_hand=4))
    assert (row.on_hand, row.incoming, row.available_incoming) == (4, 5, 2)


async def test_goods_cannot_be_received_into_an_unknown_warehouse(tx, clock):
    with pytest.raises(UnknownWarehouse):
        await receive_stock(tx, "a", "nowhere", 1, "PO-1", clock)
