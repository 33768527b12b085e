"""Stock at shipment and return through the command handlers, as the Kafka consumer runs them
(inbox, use case and outbox in one transaction) on PostgreSQL: DeductStock when a parcel
leaves, RestockReturned when a return is received back."""

import pytest
from sqlalchemy import func, select

from tradeflow_contracts.inventory import (
    EVENTS,
    DeductStock,
    LineToReserve,
    ReleaseStock,
    ReserveStock,
    RestockReturned,
    ShipmentUnits,
)
from tradeflow_inventory.adapters.tables import deductions, stock_movements
from tradeflow_inventory.app.manage_stock import reservations_of_order
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_kit.messaging.processor import Outcome

from .message_support import published, record
from .stock_support import expect, in_transaction, incoming_levels, seed, stock_levels

EAST = {"east-1": ("east", 1)}


def reserve(order_id: str, sub_order_id: str, *lines: tuple[str, int], pre_sale: bool = False) -> ReserveStock:
    return ReserveStock(order_id=order_id, sub_order_id=sub_order_id, region="east", pre_sale=pre_sale,
                        lines=[LineToReserve(line_id=f"l-{sku}", sku=sku, quantity=q) for sku, q in lines])


def units(order_id: str, sub_order_id: str, sku: str, quantity: int) -> ShipmentUnits:
    return ShipmentUnits(order_id=order_id, sub_order_id=sub_order_id, line_id=f"l-{sku}", sku=sku,
                         warehouse="east-1", quantity=quantity)


def deduct(shipment_id: str, *lines: ShipmentUnits) -> DeductStock:
    return DeductStock(shipment_id=shipment_id, lines=list(lines))


def restock(return_id: str, *lines: ShipmentUnits, shipment_id: str = "sh-1") -> RestockReturned:
    return RestockReturned(shipment_id=shipment_id, return_id=return_id, reason="damaged", lines=list(lines))


async def answers(sessions, type_: str) -> list[tuple[str, dict]]:
    return [(key, payload) for topic, key, t, payload in await published(sessions) if t == type_ and topic == EVENTS]


async def reservations(sessions, order_id: str) -> dict[str, tuple[str, int, int]]:
    """line id → (state, shipped, returned) of the order's reservations."""
    async with sessions.begin() as session:
        found = await reservations_of_order(in_transaction(session), order_id)
    return {r.allocation.line_id: (r.state.value, r.shipped, r.returned) for r in found}


async def count(sessions, table) -> int:
    async with sessions() as s:
        return (await s.execute(select(func.count()).select_from(table))).scalar_one()


@pytest.fixture
async def reserved(sessions, processor):
    """o-1/s-1 holds 3 a and 1 b, o-2/s-2 (the same buyer's other order) 2 a; 10 of each on hand."""
    await seed(sessions, EAST, {("a", "east-1"): 10, ("b", "east-1"): 10})
    for command in (reserve("o-1", "s-1", ("a", 3), ("b", 1)), reserve("o-2", "s-2", ("a", 2))):
        assert await processor.process(record(command)) is Outcome.PROCESSED


async def test_a_shipment_is_deducted_once_even_when_the_command_repeats(sessions, processor, reserved):
    command = deduct("sh-1", units("o-1", "s-1", "a", 3), units("o-1", "s-1", "b", 1))
    first = record(command)
    assert await processor.process(first) is Outcome.PROCESSED
    assert await processor.process(first) is Outcome.DUPLICATE  # the same record: the inbox
    assert await processor.process(record(command, offset=1)) is Outcome.PROCESSED  # sent again: the shipment
    assert await stock_levels(sessions) == {("a", "east-1"): (7, 2, 2), ("b", "east-1"): (9, 0, 0)}
    [(key, payload), (_, again)] = await answers(sessions, "inventory.stock-deducted")
    assert key == "o-1" and again == payload
    assert payload["lines"] == [u.model_dump() for u in command.lines]
    assert await reservations(sessions, "o-1") == {"l-a": ("fulfilled", 3, 0), "l-b": ("fulfilled", 1, 0)}
    assert (await count(sessions, deductions), await count(sessions, stock_movements)) == (1, 2)


async def test_a_parcel_of_two_sub_orders_deducts_from_each_keyed_by_its_first_lines_order(
        sessions, processor, reserved):
    command = deduct("sh-1", units("o-2", "s-2", "a", 2), units("o-1", "s-1", "a", 1))
    assert await processor.process(record(command)) is Outcome.PROCESSED
    [(key, payload)] = await answers(sessions, "inventory.stock-deducted")
    assert (key, payload["shipment_id"]) == ("o-2", "sh-1")
    assert (await stock_levels(sessions))[("a", "east-1")] == (7, 2, 2)
    assert await reservations(sessions, "o-2") == {"l-a": ("fulfilled", 2, 0)}
    assert (await reservations(sessions, "o-1"))["l-a"] == ("active", 1, 0)


async def test_a_sub_order_shipped_in_two_parcels_is_fulfilled_by_the_second(sessions, processor, reserved):
    await processor.process(record(deduct("sh-1", units("o-1", "s-1", "a", 2))))
    assert await reservations(sessions, "o-1") == {"l-a": ("active", 2, 0), "l-b": ("active", 0, 0)}
    await processor.process(record(deduct("sh-2", units("o-1", "s-1", "b", 1), units("o-1", "s-1", "a", 1))))
    assert await reservations(sessions, "o-1") == {"l-a": ("fulfilled", 3, 0), "l-b": ("fulfilled", 1, 0)}
    assert await stock_levels(sessions) == {("a", "east-1"): (7, 2, 2), ("b", "east-1"): (9, 0, 0)}


async def test_releasing_after_a_partial_shipment_gives_back_only_the_unshipped_units(sessions, processor, reserved):
    await processor.process(record(deduct("sh-1", units("o-1", "s-1", "a", 2))))
    release = ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="order-cancelled")
    assert await processor.process(record(release)) is Outcome.PROCESSED
    [(_, payload)] = await answers(sessions, "inventory.stock-released")
    assert payload["released_quantity"] == 2  # 1 a and 1 b; the 2 a that left stay shipped
    assert await stock_levels(sessions) == {("a", "east-1"): (8, 2, 2), ("b", "east-1"): (10, 0, 0)}
    assert await reservations(sessions, "o-1") == {"l-a": ("released", 2, 0), "l-b": ("released", 0, 0)}


async def test_a_return_is_restocked_once_and_never_reserved_again(sessions, processor, reserved):
    await processor.process(record(deduct("sh-1", units("o-1", "s-1", "a", 3))))
    command = restock("r-1", units("o-1", "s-1", "a", 2))
    assert await processor.process(record(command)) is Outcome.PROCESSED
    assert await processor.process(record(command, offset=1)) is Outcome.PROCESSED
    [(key, payload), (_, again)] = await answers(sessions, "inventory.stock-restocked")
    assert (key, payload["return_id"], again) == ("o-1", "r-1", payload)
    assert (await stock_levels(sessions))[("a", "east-1")] == (9, 2, 2)  # 10 − 3 + 2; o-2's 2 still reserved
    assert (await reservations(sessions, "o-1"))["l-a"] == ("fulfilled", 3, 2)


async def test_a_pre_sale_ships_only_once_its_goods_arrived(sessions, processor, dead_letters, clock):
    await seed(sessions, EAST, {("p", "east-1"): 0})
    await expect(sessions, {("p", "east-1"): 5})
    await processor.process(record(reserve("o-1", "s-1", ("p", 2), pre_sale=True)))
    command = deduct("sh-1", units("o-1", "s-1", "p", 2))
    assert await processor.process(record(command)) is Outcome.DEAD_LETTERED
    assert dead_letters.letters[0][1] == "UnitsStillIncoming"
    async with sessions.begin() as session:
        await receive_stock(in_transaction(session), "p", "east-1", 2, "PO-1", clock)
    assert await processor.process(record(command, offset=1)) is Outcome.PROCESSED
    assert await stock_levels(sessions) == {("p", "east-1"): (0, 0, 0)}
    assert await incoming_levels(sessions) == {("p", "east-1"): (3, 0, 0)}


REFUSALS = {
    "beyond the reservation": ([units("o-1", "s-1", "b", 1), units("o-2", "s-2", "a", 3)],
                               "DeductionBeyondReservation", "shipment sh-9: reservation of o-2/s-2/l-a in east-1: "
                                                             "3 units to ship, 2 left (0 of 2 shipped)"),
    "no such reservation": ([units("o-1", "s-1", "a", 1), units("o-1", "s-7", "a", 1)],
                            "ReservationNotFound", "shipment sh-9: no reservation of o-1/s-7/l-a/east-1"),
    "another sku": ([units("o-1", "s-1", "a", 1), units("o-2", "s-2", "a", 1).model_copy(update={"sku": "b"})],
                    "ReservationNotFound", "shipment sh-9: the reservation of o-2/s-2/l-a/east-1 holds a, not b"),
}


@pytest.mark.parametrize("refusal", REFUSALS)
async def test_a_refused_deduction_changes_nothing_and_is_dead_lettered_with_its_reason(
        sessions, processor, dead_letters, reserved, refusal):
    lines, error, reason = REFUSALS[refusal]
    before = await stock_levels(sessions), await published(sessions)
    assert await processor.process(record(deduct("sh-9", *lines))) is Outcome.DEAD_LETTERED
    assert dead_letters.letters == [("permanent", error, reason)]
    assert (await stock_levels(sessions), await published(sessions)) == before
    assert (await count(sessions, deductions), await count(sessions, stock_movements)) == (0, 0)
    assert await reservations(sessions, "o-1") == {"l-a": ("active", 0, 0), "l-b": ("active", 0, 0)}


async def test_a_return_of_more_than_was_shipped_is_dead_lettered_and_restocks_nothing(
        sessions, processor, dead_letters, reserved):
    await processor.process(record(deduct("sh-1", units("o-1", "s-1", "a", 1))))
    before = await stock_levels(sessions)
    assert await processor.process(record(restock("r-1", units("o-1", "s-1", "a", 2)))) is Outcome.DEAD_LETTERED
    assert await processor.process(record(restock("r-1", units("o-1", "s-1", "a", 1), shipment_id="sh-0"))) \
        is Outcome.DEAD_LETTERED
    assert [error for _, error, _ in dead_letters.letters] == ["RestockBeyondShipment", "ShipmentNotDeducted"]
    assert await stock_levels(sessions) == before
    assert await answers(sessions, "inventory.stock-restocked") == []
