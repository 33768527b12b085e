"""The reservation use cases through the PostgreSQL repositories."""

from sqlalchemy import select

from tradeflow_contracts.inventory import (
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    StockReservationRejected,
    StockReserved,
)
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_inventory.app.manage_stock import reservations_of_order
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock

from .stock_support import in_transaction, seed, stock_levels

WAREHOUSES = {"east-1": ("east", 1), "east-2": ("east", 2), "west-1": ("west", 1)}


def reserve(sub_order_id: str, *lines: tuple[str, int], allow_split: bool = False) -> ReserveStock:
    return ReserveStock(order_id="o-1", sub_order_id=sub_order_id, region="east", allow_split=allow_split,
                        lines=[LineToReserve(line_id=f"{sub_order_id}-{sku}", sku=sku, quantity=q) for sku, q in lines])


async def run(sessions, use_case, message, clock):
    async with sessions.begin() as session:
        return await use_case(in_transaction(session), message, clock)


async def test_reserves_a_sub_order_in_its_preferred_warehouse_and_keeps_the_books(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 1, ("a", "east-2"): 5, ("b", "east-2"): 5})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 2), ("b", 1)), clock)
    assert isinstance(outcome, StockReserved)
    assert {a.warehouse for a in outcome.allocations} == {"east-2"}
    levels = await stock_levels(sessions)
    assert levels[("a", "east-2")] == (5, 2, 2) and levels[("b", "east-2")] == (5, 1, 1)
    assert levels[("a", "east-1")] == (1, 0, 0)


async def test_a_rejected_sub_order_leaves_no_trace(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 5, ("b", "west-1"): 1})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 2), ("b", 2)), clock)
    assert isinstance(outcome, StockReservationRejected) and outcome.reason == "insufficient-stock"
    assert all(reserved == 0 for _, reserved, _ in (await stock_levels(sessions)).values())
    async with sessions.begin() as session:
        assert await reservations_of_order(in_transaction(session), "o-1") == []


async def test_a_repeated_reservation_reserves_nothing_more(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 5})
    first = await run(sessions, reserve_stock, reserve("s-1", ("a", 2)), clock)
    again = await run(sessions, reserve_stock, reserve("s-1", ("a", 2)), clock)
    assert again == first
    assert (await stock_levels(sessions))[("a", "east-1")] == (5, 2, 2)


async def test_a_split_reservation_is_released_from_every_warehouse(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 2, ("a", "west-1"): 2})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 3), allow_split=True), clock)
    assert [(a.warehouse, a.quantity) for a in outcome.allocations] == [("east-1", 2), ("west-1", 1)]
    release = ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="order-cancelled")
    assert (await run(sessions, release_stock, release, clock)).released_quantity == 3
    assert (await run(sessions, release_stock, release, clock)).released_quantity == 0
    assert await stock_levels(sessions) == {("a", "east-1"): (2, 0, 0), ("a", "west-1"): (2, 0, 0)}
    async with sessions.begin() as session:
        states = {r.state.value for r in await reservations_of_order(in_transaction(session), "o-1")}
    assert states == {"released"}


async def test_released_units_can_be_reserved_by_another_sub_order(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 1})
    await run(sessions, reserve_stock, reserve("s-1", ("a", 1)), clock)
    assert isinstance(await run(sessions, reserve_stock, reserve("s-2", ("a", 1)), clock), StockReservationRejected)
    await run(sessions, release_stock, ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="cancelled"), clock)
    assert isinstance(await run(sessions, reserve_stock, reserve("s-2", ("a", 1)), clock), StockReserved)
    assert (await stock_levels(sessions))[("a", "east-1")] == (1, 1, 1)


async def test_the_answer_is_in_the_outbox_only_if_the_reservation_commits(sessions, transactions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 5})
    async with transactions.begin() as tx:
        await reserve_stock(tx, reserve("s-1", ("a", 1)), clock)
    try:
        async with transactions.begin() as tx:
            await reserve_stock(tx, reserve("s-2", ("a", 1)), clock)
            raise RuntimeError("the transaction fails after the use case")
    except RuntimeError:
        pass
    async with sessions() as s:
        rows = (await s.execute(select(outbox.c.key, outbox.c.type))).all()
    assert [tuple(r) for r in rows] == [("o-1", "inventory.stock-reserved")]
    assert (await stock_levels(sessions))[("a", "east-1")] == (5, 1, 1)
