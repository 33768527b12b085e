"""Concurrent orders never oversell: each reservation runs in its own transaction, as each
Kafka message does, and only PostgreSQL row locks keep them apart."""

import asyncio
from collections import Counter

from tradeflow_contracts.inventory import LineToReserve, ReleaseStock, ReserveStock, StockReserved
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock

from .stock_support import in_transaction, seed, stock_levels


def reserve(sub_order_id: str, *skus: str, allow_split: bool = False) -> ReserveStock:
    return ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east",
                        allow_split=allow_split,
                        lines=[LineToReserve(line_id=f"{sub_order_id}-{sku}", sku=sku, quantity=1) for sku in skus])


def release(sub_order_id: str) -> ReleaseStock:
    return ReleaseStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, reason="order-cancelled")


async def in_own_transaction(sessions, use_case, message, clock):
    async with sessions.begin() as session:
        return await use_case(in_transaction(session), message, clock)


async def test_forty_orders_for_five_units_reserve_exactly_five(sessions, clock):
    await seed(sessions, {"east-1": ("east", 1)}, {("last-units", "east-1"): 5})
    outcomes = await asyncio.gather(
        *(in_own_transaction(sessions, reserve_stock, reserve(f"s-{i}", "last-units"), clock) for i in range(40)))
    assert Counter(type(o).__name__ for o in outcomes) == {"StockReserved": 5, "StockReservationRejected": 35}
    assert await stock_levels(sessions) == {("last-units", "east-1"): (5, 5, 5)}


async def test_multi_line_split_orders_in_any_line_order_neither_oversell_nor_deadlock(sessions, clock):
    warehouses = {"east-1": ("east", 1), "west-1": ("west", 1)}
    await seed(sessions, warehouses, {(sku, w): 4 for sku in ("a", "b") for w in warehouses})
    commands = [reserve(f"s-{i}", *(("a", "b") if i % 2 else ("b", "a")), allow_split=True) for i in range(20)]
    outcomes = await asyncio.gather(*(in_own_transaction(sessions, reserve_stock, c, clock) for c in commands))
    assert sum(isinstance(o, StockReserved) for o in outcomes) == 8
    assert all(levels == (4, 4, 4) for levels in (await stock_levels(sessions)).values())


async def test_a_command_delivered_many_times_at_once_reserves_once(sessions, clock):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 50})
    outcomes = await asyncio.gather(
        *(in_own_transaction(sessions, reserve_stock, reserve("s-1", "a"), clock) for _ in range(10)))
    assert isinstance(outcomes[0], StockReserved) and all(o == outcomes[0] for o in outcomes)
    assert await stock_levels(sessions) == {("a", "east-1"): (50, 1, 1)}


async def test_concurrent_releases_and_reservations_keep_reserved_equal_to_active_reservations(sessions, clock):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 5})
    for i in range(5):
        await in_own_transaction(sessions, reserve_stock, reserve(f"old-{i}", "a"), clock)
    work = [in_own_transaction(sessions, release_stock, release(f"old-{i}"), clock) for i in range(5) for _ in "xx"]
    work += [in_own_transaction(sessions, reserve_stock, reserve(f"new-{i}", "a"), clock) for i in range(10)]
    outcomes = await asyncio.gather(*work)
    assert sum(o.released_quantity for o in outcomes[:10]) == 5  # each released once, never twice
    newly_reserved = sum(isinstance(o, StockReserved) for o in outcomes[10:])
    assert await stock_levels(sessions) == {("a", "east-1"): (5, newly_reserved, newly_reserved)}
