"""One lock order on the channel's row, its ledger orders and their changes: the poller (and every
order taken in) holds the channel's row while it locks ledger orders; the answers of the platform,
which lock a ledger order and give its credit back, never lock the channel's row (the credit used
is the sum of what the channel's orders hold), and staff's retry locks the channel before the
order; staff's approval of an address change locks the order before the change, as the order's
cancellation does. So none waits on another in opposite order (PostgreSQL would abort one:
deadlock detected), and the credit comes out right. The pull channel's feed is a stand-in for the
marketplace (an outside system); the database is real."""

import asyncio
from dataclasses import dataclass

from tradeflow_channel_adapter.app.poll import poll_channel
from tradeflow_channel_adapter.domain.external import (
    Address,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalLine,
    ExternalOrder,
    ExternalStatus,
    Page,
)

from .channel_adapter_world import PULL, PUSH, STAFF, facts, paid

PRICE = 10_000
ROUNDS, ORDERS = 4, 12


@dataclass
class Feed:
    """The marketplace's feed as the poller reads it: the page a test sets, cursor after cursor."""

    page: list
    cursor: int = 0

    async def fetch(self, channel, cursor):
        self.cursor += 1
        return Page(list(self.page), str(self.cursor))


def order(tid: str, *, receiver: Address | None = None) -> ExternalOrder:
    return ExternalOrder(tid, ExternalStatus.PAID, f"mem-{tid}", None, "CNY",
                         [ExternalLine(f"{tid}-1", "JD-1", 1, PRICE, PRICE)], receiver)


async def _shop(world, **controls):
    await world.selling("shopb", PULL | {"api_base_url": "http://127.0.0.1:9/shopb", "price_list": {"markup_bp": 10000}}
                        | controls, ("JD-1", "COURSE-1", PRICE, "virtual"))
    async with world.transactions.read() as tx:
        return await tx.channels.get("shopb")


async def _placed(world, channel, feed: Feed, tids: list[str]) -> dict[str, dict]:
    """The orders taken in from the feed, placed and paid: their received payloads by external id."""
    feed.page = [order(tid) for tid in tids]
    assert await poll_channel(world.transactions, feed, world.c, channel, 1) == len(tids)
    for tid in tids:
        await world.place(tid, f"O-{tid}")
    return {r["external_order_id"]: r for r in await world.received() if r["external_order_id"] in tids}


async def test_the_poller_and_the_cancellations_it_races_take_their_locks_in_one_order(world):
    channel = await _shop(world, credit_limit_amount=10 * ROUNDS * ORDERS * PRICE)
    feed = Feed([])
    for r in range(ROUNDS):
        placed = await _placed(world, channel, feed, [f"P{r}-{i:02d}" for i in range(ORDERS)])
        # The page: a new order, then the channel's cancellation of a placed one, over and over
        # (the poller: channel row, then each ledger order); at the same time the order service
        # tells each placed one cancelled (each: its ledger order, then its credit back).
        feed.page = [news for i in range(ORDERS)
                     for news in (order(f"N{r}-{i:02d}"), ExternalCancellation(f"P{r}-{i:02d}", "buyer changed mind"))]
        polled, *answers = await asyncio.gather(
            poll_channel(world.transactions, feed, world.c, channel, 1),
            *(world.feed(facts(received, f"O-{tid}", "cancelled", 7)) for tid, received in placed.items()),
            return_exceptions=True)

        errors = [repr(e) for e in (polled, *answers) if isinstance(e, BaseException)]
        assert errors == [], f"round {r}: {errors}"
        assert polled == 2 * ORDERS
    ledger = await world.ledger("shopb")
    assert sorted({(o["external_order_id"][0], o["status"], o["credit_amount"]) for o in ledger}) == [
        ("N", "accepted", PRICE), ("P", "cancelled", 0)]
    assert await world.credit_used("shopb") == ROUNDS * ORDERS * PRICE
    view = await world.get("/channels/shopb")
    assert view["credit_used_amount"] == ROUNDS * ORDERS * PRICE


async def test_staff_retrying_orders_in_review_and_the_poller_changing_them_never_deadlock(world):
    """Staff retry locks the channel first, as the poller does; the poller's address changes of the
    same orders in review lock each order after the channel."""
    channel = await _shop(world, credit_limit_amount=0)
    feed = Feed([order(f"R-{i:02d}") for i in range(ORDERS)])
    assert await poll_channel(world.transactions, feed, world.c, channel, 1) == ORDERS
    await world.channel("shopb", PULL | {"api_base_url": "http://127.0.0.1:9/shopb", "price_list": {"markup_bp": 10000},
                                         "credit_limit_amount": ORDERS * PRICE})
    review = {o["external_order_id"]: o["id"] for o in await world.ledger("shopb")}
    assert len(review) == ORDERS
    new = Address("Han Mei", "13900139000", "Zhejiang", "Hangzhou", "9 Lake Rd")
    feed.page = [ExternalAddressChange(tid, new) for tid in review]

    polled, *retried = await asyncio.gather(
        poll_channel(world.transactions, feed, world.c, channel, 1),
        *(world.http.post(f"/channels/shopb/review/{rid}/retry", headers=STAFF) for rid in review.values()),
        return_exceptions=True)

    errors = [repr(e) for e in (polled, *retried) if isinstance(e, BaseException)]
    assert errors == []
    assert polled == ORDERS and [r.status_code for r in retried] == [200] * ORDERS
    assert {o["status"] for o in await world.ledger("shopb")} == {"accepted"}
    assert await world.credit_used("shopb") == ORDERS * PRICE


async def test_staff_approving_address_changes_and_the_orders_cancellation_never_deadlock(world):
    await world.selling("shopa", PUSH, ("TB-1", "BOOK-1", 10_000, "physical"))
    changes, placed = {}, {}
    for i in range(ORDERS):
        tid = f"L{i:02d}"
        await world.pushed("shopa", paid(tid, (f"{tid}01", "TB-1", 1, "100.00", "100.00"),
                                         address="Zhejiang Hangzhou 2 West Lake Rd"))
        placed[tid] = await world.place(tid, f"O-{tid}")
        changes[tid] = (await world.pushed("shopa", {
            "event": "TradeLogisticsAddressChanged", "tid": tid, "receiver_name": "Han Meimei",
            "receiver_mobile": "13900139000", "receiver_address": "Jiangsu Suzhou 9 Canal St"}))["id"]

    approved = await asyncio.gather(
        *(world.http.post(f"/channels/shopa/changes/{cid}/approve", json={"reason": "checked"}, headers=STAFF)
          for cid in changes.values()),
        *(world.feed(facts(received, f"O-{tid}", "cancelled", 5, kind="physical")) for tid, received in placed.items()),
        return_exceptions=True)

    errors = [repr(e) for e in approved if isinstance(e, BaseException)]
    assert errors == []
    answers = {r.status_code for r in approved[:ORDERS]}
    assert answers <= {200, 409}, [r.text for r in approved[:ORDERS] if r.status_code not in (200, 409)]
    by_status = {c["id"]: c["status"] for c in (await world.get("/channels/shopa/changes"))["items"]}
    asked = [e.payload["change_id"] for e in await world.sent("fulfillment.change-receiver")]
    assert set(by_status.values()) <= {"sent", "done"}
    assert sorted(asked) == sorted(cid for cid, status in by_status.items() if status == "sent")
