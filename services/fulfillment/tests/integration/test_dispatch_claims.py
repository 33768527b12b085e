"""Claiming due shipments in PostgreSQL: the longest due first, never one in its window, in review
or leased, and never one another transaction holds (SKIP LOCKED); a dispatch under way is stored
with the shipment."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment

from .conftest import SETTINGS, goods, order_paid

WINDOW = timedelta(seconds=SETTINGS["merge_window_seconds"])
LEASE = timedelta(seconds=60)


@pytest.fixture
async def planned(transactions, collaborators, clock) -> list[str]:
    """Three buyers' shipments planned a minute apart, the last one worth a review."""
    ids = []
    for n, paid in enumerate((1000, 1000, 2_500_000)):
        async with transactions.begin() as tx:
            await plan_fulfillment(tx, order_paid(f"o-{n}", ("m-1", [goods("a", paid_amount=paid)]),
                                                  buyer_id=f"b-{n}"), collaborators)
            ids.append((await tx.shipments.find(order_id=f"o-{n}"))[0].id)
        clock.at += timedelta(minutes=1)
    return ids


async def claim(transactions, at):
    async with transactions.begin() as tx:
        s = await tx.shipments.claim_due(at)
        if s is not None:
            s.begin_dispatch(at, LEASE)
            await tx.shipments.save(s)
        return s


async def test_the_longest_due_is_claimed_first_and_a_leased_one_not_again(transactions, planned, clock):
    at = clock.at + WINDOW  # all three windows have passed
    assert [(await claim(transactions, at)).id, (await claim(transactions, at)).id] == planned[:2]
    assert await claim(transactions, at) is None  # the third is in review, the others leased
    assert (await claim(transactions, at + LEASE)).id == planned[0]


async def test_one_in_its_merge_window_is_not_claimed(transactions, planned, clock):
    first_due = clock.at - timedelta(minutes=3) + WINDOW
    assert await claim(transactions, first_due - timedelta(microseconds=1)) is None
    assert (await claim(transactions, first_due)).id == planned[0]


async def test_a_shipment_another_transaction_holds_is_skipped(transactions, planned, clock):
    at = clock.at + WINDOW
    async with transactions.begin() as holding:
        held = await holding.shipments.claim_due(at)  # row-locked until this transaction ends
        async with transactions.begin() as other:
            assert (await other.shipments.claim_due(at)).id == planned[1]
        assert held.id == planned[0]


async def test_a_dispatch_under_way_round_trips(transactions, planned, clock):
    at = clock.at + WINDOW
    await claim(transactions, at)
    async with transactions.begin() as tx:
        s = await tx.shipments.get(planned[0], lock=True)
        s.dispatch_number_taken(f"{planned[0]}-1", at, waybill="SF1")
        await tx.shipments.save(s)
    async with transactions.read() as tx:
        again = await tx.shipments.get(planned[0])
    assert (again.dispatch_attempt, again.skipped_dispatch_numbers) == (s.dispatch_attempt, (f"{planned[0]}-1",))
    assert (again.dispatch_attempt.number, again.dispatch_attempt.tries, again.dispatch_attempt.retry_at) == (
        f"{planned[0]}-2", 1, at)
