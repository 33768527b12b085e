"""ReleaseStock naming units (a cancellation after payment stopped some parcels of a sub-order
while others go on) on PostgreSQL, through the command handlers as the Kafka consumer runs them
(inbox, use case and outbox in one transaction) and with use cases racing in their own
transactions."""

import asyncio

import pytest
from sqlalchemy import select

from tradeflow_contracts.inventory import (
    EVENTS,
    DeductStock,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    ShipmentUnits,
    UnitsToRelease,
)
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.manage_stock import reservations_of_order
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_inventory.app.release_stock import release_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.messaging.processor import Outcome
from tradeflow_kit.settings import DEV_JWT_SECRET

from .message_support import published, record
from .stock_support import expect, in_transaction, incoming_levels, seed, stock_levels

WAREHOUSES = {"east-1": ("east", 1), "west-1": ("west", 1)}
STAFF = {"Authorization": f"Bearer {TokenCodec(DEV_JWT_SECRET).mint('staff-1', ['staff'])}"}


def reserve(*lines: tuple[str, int], sub_order_id: str = "s-1", allow_split: bool = False,
            pre_sale: bool = False) -> ReserveStock:
    return ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east",
                        allow_split=allow_split, pre_sale=pre_sale,
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in lines])


def deduct(shipment_id: str, sku: str, quantity: int, sub_order_id: str = "s-1") -> DeductStock:
    return DeductStock(shipment_id=shipment_id, lines=[ShipmentUnits(
        order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, line_id=f"l-{sku}", sku=sku, warehouse="east-1",
        quantity=quantity)])


def release(*units: tuple[str, int] | tuple[str, int, str], sub_order_id: str = "s-1") -> ReleaseStock:
    """Units as (sku, quantity) in east-1, or (sku, quantity, warehouse)."""
    return ReleaseStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, reason="parcels-stopped",
                        units=[UnitsToRelease(line_id=f"l-{u[0]}", warehouse=(u[2] if len(u) > 2 else "east-1"),
                                              quantity=u[1]) for u in units])


async def run(sessions, use_case, message, clock):
    async with sessions.begin() as session:
        return await use_case(in_transaction(session), message, clock)


async def reservations(sessions, order_id: str = "o-s-1") -> dict[tuple[str, str], tuple[str, int, int, int]]:
    """(line, warehouse) → (state, incoming, shipped, released) of the order's reservations."""
    async with sessions.begin() as session:
        found = await reservations_of_order(in_transaction(session), order_id)
    return {(r.allocation.line_id, r.allocation.warehouse): (r.state.value, r.incoming, r.shipped, r.released)
            for r in found}


async def released_quantities(sessions) -> list[int]:
    return [payload["released_quantity"] for topic, _, type_, payload in await published(sessions)
            if type_ == "inventory.stock-released" and topic == EVENTS]


async def test_the_units_still_to_ship_ship_after_some_are_released_and_fulfil_the_reservation(
        sessions, processor, client):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 10})
    for command in (reserve(("a", 3)), deduct("sh-1", "a", 1), release(("a", 1))):
        assert await processor.process(record(command)) is Outcome.PROCESSED
    assert await reservations(sessions) == {("l-a", "east-1"): ("active", 0, 1, 1)}
    assert await stock_levels(sessions) == {("a", "east-1"): (9, 1, 1)}
    assert await processor.process(record(deduct("sh-2", "a", 1))) is Outcome.PROCESSED

    assert await released_quantities(sessions) == [1]
    assert await reservations(sessions) == {("l-a", "east-1"): ("fulfilled", 0, 2, 1)}
    assert await stock_levels(sessions) == {("a", "east-1"): (8, 0, 0)}
    [shown] = (await client.get("/inventory/reservations", params={"order_id": "o-s-1"}, headers=STAFF)).json()["items"]
    assert {k: shown[k] for k in ("state", "quantity", "shipped", "released", "incoming", "released_at")} == {
        "state": "fulfilled", "quantity": 3, "shipped": 2, "released": 1, "incoming": 0, "released_at": None}
    stock = (await client.get("/inventory/stock/a", headers=STAFF)).json()
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (8, 0, 8)


async def test_a_redelivered_release_is_released_once(sessions, processor):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 10})
    await processor.process(record(reserve(("a", 3))))
    command = record(release(("a", 1)))
    assert await processor.process(command) is Outcome.PROCESSED
    assert await processor.process(command) is Outcome.DUPLICATE
    assert await released_quantities(sessions) == [1]
    assert await stock_levels(sessions) == {("a", "east-1"): (10, 2, 2)}


async def test_only_the_named_warehouse_of_a_split_line_gives_units_back(sessions, processor):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 2, ("a", "west-1"): 2, ("b", "east-1"): 5})
    await processor.process(record(reserve(("a", 4), ("b", 2), allow_split=True)))
    assert await processor.process(record(release(("a", 1, "west-1"), ("b", 1), ("b", 1)))) is Outcome.PROCESSED
    assert await released_quantities(sessions) == [3]
    assert await reservations(sessions) == {("l-a", "east-1"): ("active", 0, 0, 0),
                                            ("l-a", "west-1"): ("active", 0, 0, 1),
                                            ("l-b", "east-1"): ("released", 0, 0, 2)}
    assert await stock_levels(sessions) == {("a", "east-1"): (2, 2, 2), ("a", "west-1"): (2, 1, 1),
                                            ("b", "east-1"): (5, 0, 0)}


REFUSALS = {
    "more than held": (release(("b", 1), ("a", 3)),
                       "ReleaseBeyondReservation", "reservation of o-s-1/s-1/l-a in east-1: 3 units to release, "
                                                   "2 held (2 on hand, 0 still incoming; 1 shipped and 0 released "
                                                   "of 3)"),
    "an ended reservation": (release(("a", 1), ("c", 1)),
                             "ReleaseBeyondReservation", "reservation of o-s-1/s-1/l-c in east-1 is fulfilled: "
                                                         "nothing left to release"),
    "no such reservation": (release(("a", 1), ("b", 1, "west-1")),
                            "ReservationNotFound", "units to release: no reservation of o-s-1/s-1/l-b/west-1"),
}


async def test_a_refused_release_changes_nothing_and_is_dead_lettered_with_its_reason(
        sessions, processor, dead_letters):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 10, ("b", "east-1"): 10, ("c", "east-1"): 10})
    for command in (reserve(("a", 3), ("b", 1), ("c", 1)), deduct("sh-1", "a", 1), deduct("sh-2", "c", 1)):
        await processor.process(record(command))
    before = await stock_levels(sessions), await published(sessions), await reservations(sessions)
    for command, _, _ in REFUSALS.values():
        assert await processor.process(record(command)) is Outcome.DEAD_LETTERED
    assert dead_letters.letters == [("permanent", error, reason) for _, error, reason in REFUSALS.values()]
    assert (await stock_levels(sessions), await published(sessions), await reservations(sessions)) == before


async def test_shipments_and_releases_of_one_reservation_at_once_keep_the_books(sessions, clock):
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 20})
    await run(sessions, reserve_stock, reserve(("a", 6)), clock)
    work = [run(sessions, deduct_stock, deduct(f"sh-{i}", "a", 2), clock) for i in range(2)]
    work += [run(sessions, release_stock, release(("a", 1)), clock) for _ in range(2)]
    work += [run(sessions, reserve_stock, reserve(("a", 1), sub_order_id=f"new-{i}"), clock) for i in range(4)]
    outcomes = await asyncio.gather(*work, return_exceptions=True)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert await reservations(sessions) == {("l-a", "east-1"): ("fulfilled", 0, 4, 2)}
    assert await stock_levels(sessions) == {("a", "east-1"): (16, 4, 4)}  # the new sub-orders' 4


@pytest.mark.parametrize("first", ["release", "receipt"])
async def test_a_release_and_a_receipt_at_once_announce_a_pre_sale_arrived_once(sessions, clock, first):
    """The pre-sale sub-order waits for one unit of a and one of b; the release of the waiting a
    and the receipt of the b each lock the sub-order's reservations, so the one that comes second
    waits for the first to commit, then sees that nothing waits any more and announces it."""
    await seed(sessions, WAREHOUSES, {("a", "east-1"): 0, ("b", "east-1"): 0})
    await expect(sessions, {("a", "east-1"): 2, ("b", "east-1"): 2})
    await run(sessions, reserve_stock, reserve(("a", 2), ("b", 1), pre_sale=True), clock)
    async with sessions.begin() as session:  # one of a's two units arrived
        await receive_stock(in_transaction(session), "a", "east-1", 1, "PO-0", clock)
    steps = {"release": lambda tx: release_stock(tx, release(("a", 1)), clock),
             "receipt": lambda tx: receive_stock(tx, "b", "east-1", 1, "PO-1", clock)}
    second = "receipt" if first == "release" else "release"
    async with sessions.begin() as session:
        await steps[first](in_transaction(session))
        waiting = asyncio.create_task(_in_own_transaction(sessions, steps[second]))
        await asyncio.sleep(0.3)
        assert not waiting.done(), f"the {second} did not wait for the {first}'s locks"
    await waiting

    async with sessions() as s:
        arrived = (await s.execute(select(outbox.c.key).where(
            outbox.c.type == "inventory.pre-sale-stock-arrived"))).scalars().all()
    assert arrived == ["o-s-1"]
    assert await incoming_levels(sessions) == {("a", "east-1"): (1, 0, 0), ("b", "east-1"): (1, 0, 0)}
    assert await stock_levels(sessions) == {("a", "east-1"): (1, 1, 1), ("b", "east-1"): (1, 1, 1)}


async def _in_own_transaction(sessions, step) -> None:
    async with sessions.begin() as session:
        await step(in_transaction(session))
