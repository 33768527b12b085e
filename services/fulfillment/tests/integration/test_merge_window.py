"""The merge window on the real database: two orders of one buyer, receiver and warehouse within
the window go as one shipment, a third after it goes alone; two paid at the same moment in
concurrent transactions still merge (the buyer's planning is serialized)."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from tradeflow_fulfillment.adapters.tables import shipment_lines, shipments
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment

from .conftest import goods, order_paid, published


async def plan(transactions, collaborators, message) -> None:
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, message, collaborators)


async def orders_per_shipment(sessions) -> list[list[str]]:
    async with sessions() as s:
        rows = (await s.execute(select(shipment_lines.c.shipment_id, shipment_lines.c.order_id)
                                .join(shipments, shipments.c.id == shipment_lines.c.shipment_id)
                                .order_by(shipments.c.planned_at, shipment_lines.c.position))).all()
    grouped: dict[str, list[str]] = {}
    for shipment_id, order_id in rows:
        grouped.setdefault(shipment_id, []).append(order_id)
    return list(grouped.values())


async def test_two_orders_within_the_window_merge_and_a_third_after_it_does_not(
        sessions, transactions, collaborators, clock):
    await plan(transactions, collaborators, order_paid("o-1", ("m-1", [goods("a")])))
    clock.at += timedelta(minutes=9)
    await plan(transactions, collaborators, order_paid("o-2", ("m-2", [goods("b")]), address="2  west lake RD"))
    clock.at += timedelta(minutes=1)  # the first one's window has passed
    await plan(transactions, collaborators, order_paid("o-3", ("m-1", [goods("c")])))
    assert await orders_per_shipment(sessions) == [["o-1", "o-2"], ["o-3"]]
    planned = [(key, p["shipment_id"], p["merged"], p["order_ids"]) for _, key, t, p in await published(sessions)
               if t == "fulfillment.shipment-planned"]
    assert [(key, merged, order_ids) for key, _, merged, order_ids in planned] == [
        ("o-1", False, ["o-1"]), ("o-2", True, ["o-1", "o-2"]), ("o-3", False, ["o-3"])]
    assert planned[0][1] == planned[1][1] != planned[2][1]
    async with transactions.begin() as tx:
        merged = await tx.shipments.get(planned[0][1])
    assert [(h.event, h.detail) for h in merged.history] == [("plan", "o-1"), ("merge", "o-2")]
    assert merged.sub_order_ids == ("o-1-m-1", "o-2-m-2")


async def test_no_merge_across_warehouses_or_receivers(sessions, transactions, collaborators):
    await plan(transactions, collaborators, order_paid("o-1", ("m-1", [goods("a")])))
    await plan(transactions, collaborators, order_paid("o-2", ("m-1", [goods("b", warehouses=[("WH-2", None)])])))
    await plan(transactions, collaborators, order_paid("o-3", ("m-1", [goods("c")]), name="Li Lei"))
    await plan(transactions, collaborators, order_paid("o-4", ("m-1", [goods("d")]), buyer_id="buyer-2"))
    assert await orders_per_shipment(sessions) == [["o-1"], ["o-2"], ["o-3"], ["o-4"]]


async def test_two_orders_paid_at_once_in_concurrent_transactions_still_merge(sessions, transactions, collaborators):
    await asyncio.gather(*(plan(transactions, collaborators, order_paid(f"o-{i}", ("m-1", [goods(f"l-{i}")])))
                           for i in (1, 2)))
    assert sorted(sorted(group) for group in await orders_per_shipment(sessions)) == [["o-1", "o-2"]]
