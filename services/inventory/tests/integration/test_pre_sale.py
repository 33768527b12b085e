"""Pre-sale sub-orders reserve against incoming stock and wait for it (DOMAIN §3), through the
PostgreSQL repositories; each use case in its own transaction, as each message or request runs."""

import asyncio
import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from tradeflow_contracts.inventory import (
    EVENTS,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    StockReservationRejected,
    StockReserved,
)
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock

from .stock_support import expect, in_transaction, incoming_levels, seed, stock_levels

WAREHOUSES = {"east-1": ("east", 1), "west-1": ("west", 1)}
ARRIVED = "inventory.pre-sale-stock-arrived"


class TickingClock:
    """A minute later on every reading, so reservations made one after another have an age."""

    def __init__(self, start) -> None:
        self.at = start

    def now(self):
        self.at += timedelta(minutes=1)
        return self.at


def reserve(sub_order_id: str, *lines: tuple[str, int], pre_sale: bool = True,
            allow_split: bool = False) -> ReserveStock:
    return ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east", pre_sale=pre_sale,
                        allow_split=allow_split,
                        lines=[LineToReserve(line_id=f"{sub_order_id}-{sku}", sku=sku, quantity=q) for sku, q in lines])


async def run(sessions, use_case, message, clock):
    async with sessions.begin() as session:
        return await use_case(in_transaction(session), message, clock)


async def receive(sessions, sku: str, warehouse: str, quantity: int, clock):
    async with sessions.begin() as session:
        return await receive_stock(in_transaction(session), sku, warehouse, quantity, "PO-1", clock)


async def published(sessions, type_: str) -> list[tuple[str, str, dict]]:
    """(topic, key, payload) of the outbox rows of that type, in order."""
    async with sessions() as s:
        rows = await s.execute(select(outbox).where(outbox.c.type == type_).order_by(outbox.c.id))
        return [(r.topic, r.key, json.loads(r.value)["payload"]) for r in rows]


async def test_a_pre_sale_reserves_incoming_units_and_leaves_on_hand_alone(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 9})
    await expect(sessions, {("a", "east-1"): 3})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 2)), clock)
    assert isinstance(outcome, StockReserved)
    assert [(a.warehouse, a.quantity, a.incoming) for a in outcome.allocations] == [("east-1", 2, True)]
    assert await stock_levels(sessions) == {("a", "east-1"): (9, 0, 0)}
    assert await incoming_levels(sessions) == {("a", "east-1"): (3, 2, 2)}


async def test_a_pre_sale_is_refused_when_the_incoming_stock_is_short(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 9, ("a", "west-1"): 0})
    await expect(sessions, {("a", "east-1"): 1, ("a", "west-1"): 1})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 3), allow_split=True), clock)
    assert isinstance(outcome, StockReservationRejected) and outcome.reason == "insufficient-stock"
    assert [(s.sku, s.requested, s.available) for s in outcome.shortages] == [("a", 3, 2)]
    assert await incoming_levels(sessions) == {("a", "east-1"): (1, 0, 0), ("a", "west-1"): (1, 0, 0)}


async def test_an_ordinary_order_does_not_take_incoming_units(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 1})
    await expect(sessions, {("a", "east-1"): 10})
    outcome = await run(sessions, reserve_stock, reserve("s-1", ("a", 2), pre_sale=False), clock)
    assert isinstance(outcome, StockReservationRejected)
    assert [(s.requested, s.available) for s in outcome.shortages] == [(2, 1)]
    assert await incoming_levels(sessions) == {("a", "east-1"): (10, 0, 0)}


async def test_a_receipt_serves_waiting_pre_sales_oldest_first_and_announces_each_once(sessions, clock):
    ticking = TickingClock(clock.now())
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 0})
    await expect(sessions, {("a", "east-1"): 10})
    for sub_order_id in ("s-1", "s-2", "s-3"):
        await run(sessions, reserve_stock, reserve(sub_order_id, ("a", 3)), ticking)

    first = await receive(sessions, "a", "east-1", 4, ticking)
    assert [s.sub_order_id for s in first.arrived] == ["s-1"]
    assert await stock_levels(sessions) == {("a", "east-1"): (4, 4, 4)}
    assert await incoming_levels(sessions) == {("a", "east-1"): (6, 5, 5)}
    [(topic, key, payload)] = await published(sessions, ARRIVED)
    assert (topic, key, payload["sub_order_id"]) == (EVENTS, "o-s-1", "s-1")
    assert payload["allocations"] == [{"line_id": "s-1-a", "sku": "a", "warehouse": "east-1", "quantity": 3,
                                       "incoming": False}]

    second = await receive(sessions, "a", "east-1", 8, ticking)  # two more than expected: plain stock
    assert [s.sub_order_id for s in second.arrived] == ["s-2", "s-3"]
    assert await stock_levels(sessions) == {("a", "east-1"): (12, 9, 9)}
    assert await incoming_levels(sessions) == {("a", "east-1"): (0, 0, 0)}
    await receive(sessions, "a", "east-1", 1, ticking)
    assert [key for _, key, _ in await published(sessions, ARRIVED)] == ["o-s-1", "o-s-2", "o-s-3"]


async def test_releasing_a_partly_arrived_pre_sale_gives_back_both_parts(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 0})
    await expect(sessions, {("a", "east-1"): 5})
    await run(sessions, reserve_stock, reserve("s-1", ("a", 4)), clock)
    await receive(sessions, "a", "east-1", 3, clock)
    release = ReleaseStock(order_id="o-s-1", sub_order_id="s-1", reason="order-cancelled")
    assert (await run(sessions, release_stock, release, clock)).released_quantity == 4
    assert (await run(sessions, release_stock, release, clock)).released_quantity == 0
    assert await stock_levels(sessions) == {("a", "east-1"): (3, 0, 0)}
    assert await incoming_levels(sessions) == {("a", "east-1"): (2, 0, 0)}
    assert await published(sessions, ARRIVED) == []


async def test_a_race_for_the_last_incoming_unit_reserves_it_once(sessions, clock):
    await seed(sessions, WAREHOUSES, {("last", "east-1"): 5})
    await expect(sessions, {("last", "east-1"): 1})
    outcomes = await asyncio.gather(*(run(sessions, reserve_stock, reserve(f"s-{i}", ("last", 1)), clock)
                                      for i in range(30)))
    assert Counter(type(o).__name__ for o in outcomes) == {"StockReserved": 1, "StockReservationRejected": 29}
    assert await incoming_levels(sessions) == {("last", "east-1"): (1, 1, 1)}
    assert await stock_levels(sessions) == {("last", "east-1"): (5, 0, 0)}


async def test_concurrent_receipts_of_a_sub_orders_two_skus_announce_it_exactly_once(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 0, ("b", "east-1"): 0})
    await expect(sessions, {("a", "east-1"): 20, ("b", "east-1"): 20})
    for i in range(10):
        await run(sessions, reserve_stock, reserve(f"s-{i}", ("a", 2), ("b", 2)), clock)
    await asyncio.gather(receive(sessions, "a", "east-1", 20, clock), receive(sessions, "b", "east-1", 20, clock))
    assert sorted(key for _, key, _ in await published(sessions, ARRIVED)) == sorted(f"o-s-{i}" for i in range(10))


async def test_receipts_releases_and_pre_sales_at_once_keep_the_books_and_never_deadlock(sessions, clock):
    await seed(sessions, WAREHOUSES, {(sku, "east-1"): 0 for sku in ("a", "b")})
    await expect(sessions, {("a", "east-1"): 30, ("b", "east-1"): 30})
    for i in range(8):
        await run(sessions, reserve_stock, reserve(f"old-{i}", ("a", 1), ("b", 1)), clock)
    work = [run(sessions, release_stock, ReleaseStock(order_id=f"o-old-{i}", sub_order_id=f"old-{i}", reason="x"),
                clock) for i in range(0, 8, 2)]
    work += [run(sessions, reserve_stock, reserve(f"new-{i}", ("b", 1), ("a", 1)), clock) for i in range(8)]
    work += [receive(sessions, sku, "east-1", 3, clock) for sku in ("a", "b", "a", "b")]
    outcomes = await asyncio.gather(*work)
    assert sum(o.released_quantity for o in outcomes[:4]) == 8
    assert all(isinstance(o, StockReserved) for o in outcomes[4:12])
    on_hand, incoming = await stock_levels(sessions), await incoming_levels(sessions)
    for key in (("a", "east-1"), ("b", "east-1")):
        (units, reserved, held), (expected, reserved_incoming, waiting) = on_hand[key], incoming[key]
        assert (units, expected) == (6, 24)  # both receipts of 3 counted, each once
        assert reserved == held and reserved_incoming == waiting
        assert reserved + reserved_incoming == 12  # the 4 old sub-orders kept and the 8 new ones
