"""Shipments, returns, releases and new reservations of the same SKUs at once: each use case in
its own transaction, as each Kafka message runs, kept apart only by PostgreSQL row locks (stock
rows first, in (sku, warehouse) order). Nothing deadlocks, nothing is deducted or restocked
twice, and the books hold: reserved = Σ active reservations' on-hand units ≤ on hand."""

import asyncio

from sqlalchemy import text

from tradeflow_contracts.inventory import (
    DeductStock,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    RestockReturned,
    ShipmentUnits,
    StockReleased,
    StockReserved,
)
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.app.restock_returned import restock_returned
from tradeflow_inventory.domain.errors import DeductionBeyondReservation

from .stock_support import in_transaction, seed, stock_levels

ROWS = [("a", "east-1"), ("b", "east-1")]


def reserve(sub_order_id: str, a: int, b: int, *, reverse: bool = False) -> ReserveStock:
    lines = [LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in (("a", a), ("b", b))]
    return ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east",
                        lines=lines[::-1] if reverse else lines)


def units(sub_order_id: str, sku: str, quantity: int) -> ShipmentUnits:
    return ShipmentUnits(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, line_id=f"l-{sku}", sku=sku,
                         warehouse="east-1", quantity=quantity)


async def run(sessions, use_case, message, clock):
    async with sessions.begin() as session:
        return await use_case(in_transaction(session), message, clock)


async def totals(sessions) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(sku, warehouse) → (Σ shipped, Σ returned) over every reservation, (Σ deducted, Σ restocked)
    over the movements."""
    query = text("""
        select s.sku, s.warehouse, r.shipped, r.returned, m.deducted, m.restocked
        from stock s
        cross join lateral (select coalesce(sum(shipped), 0) as shipped, coalesce(sum(returned), 0) as returned
                            from reservations where sku = s.sku and warehouse = s.warehouse) r
        cross join lateral (select coalesce(sum(quantity) filter (where kind = 'deducted'), 0) as deducted,
                                   coalesce(sum(quantity) filter (where kind = 'restocked'), 0) as restocked
                            from stock_movements where sku = s.sku and warehouse = s.warehouse) m
        order by s.sku, s.warehouse""")
    async with sessions() as s:
        return {(r[0], r[1]): tuple(r[2:]) for r in await s.execute(query)}


async def test_shipments_returns_releases_and_reservations_at_once_keep_the_books(sessions, clock):
    await seed(sessions, {"east-1": ("east", 1)}, {row: 40 for row in ROWS})
    for i in range(8):
        await run(sessions, reserve_stock, reserve(f"old-{i}", 2, 1), clock)
    for i in (6, 7):  # shipped before, so their returns race too
        await run(sessions, deduct_stock, DeductStock(shipment_id=f"sh-{i}", lines=[units(f"old-{i}", "a", 2),
                                                                                   units(f"old-{i}", "b", 1)]), clock)
    shipments = [DeductStock(shipment_id=f"sh-{i}", lines=[units(f"old-{i}", "a", 1), units(f"old-{i}", "b", 1)][
        ::(-1 if i % 2 else 1)]) for i in range(6)]
    shipments += [DeductStock(shipment_id=f"sh-{i}-rest", lines=[units(f"old-{i}", "a", 1)]) for i in range(2)]
    returns = [RestockReturned(shipment_id="sh-6", return_id="r-6", reason="damaged", lines=[units("old-6", "a", 1)]),
               RestockReturned(shipment_id="sh-7", return_id="r-7", reason="unwanted",
                               lines=[units("old-7", "b", 1), units("old-7", "a", 2)])]
    work = [run(sessions, deduct_stock, s, clock) for s in shipments for _ in "xx"]  # every shipment sent twice
    work += [run(sessions, restock_returned, r, clock) for r in returns for _ in "xx"]
    work += [run(sessions, release_stock, ReleaseStock(order_id=f"o-old-{i}", sub_order_id=f"old-{i}", reason="x"),
                 clock) for i in (4, 5)]
    work += [run(sessions, reserve_stock, reserve(f"new-{i}", 1, 1, reverse=i % 2 == 1), clock) for i in range(12)]
    outcomes = await asyncio.gather(*work, return_exceptions=True)

    failed = {shipments[i // 2].shipment_id for i, o in enumerate(outcomes[:16]) if isinstance(o, BaseException)}
    unexpected = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, DeductionBeyondReservation)]
    assert unexpected == [] and failed <= {"sh-4", "sh-5"}  # refused only if its sub-order was released first
    released = {o.sub_order_id: o.released_quantity for o in outcomes if isinstance(o, StockReleased)}
    for i in (4, 5):  # what left with the parcel plus what came back = the sub-order's 3 units
        assert released[f"old-{i}"] + (0 if f"sh-{i}" in failed else 2) == 3
    assert sum(isinstance(o, StockReserved) for o in outcomes) == 12

    levels, moved = await stock_levels(sessions), await totals(sessions)
    for row in ROWS:
        on_hand, reserved, held = levels[row]
        shipped, returned, deducted, restocked = moved[row]
        assert reserved == held and 0 <= reserved <= on_hand
        assert (deducted, restocked) == (shipped, returned)  # every shipment and return counted once
        assert on_hand == 40 - shipped + returned
    async with sessions() as s:
        assert (await s.execute(text("select count(*) from deductions"))).scalar_one() == 10 - len(failed)
        assert (await s.execute(text("select count(*) from restocks"))).scalar_one() == 2
    assert moved[("a", "east-1")][1] == 3 and moved[("b", "east-1")][1] == 1
