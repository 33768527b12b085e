"""The channel's controls: an order is charged its price-list amount to the channel's credit under
the channel's row lock, so concurrent orders never overdraw it; one that would go over (the
channel's credit, a member's limit, or outside the credit's period) waits in review; a refused or
cancelled order, and a completed refund case, give their credit back."""

import asyncio
from datetime import timedelta

import pytest

from tradeflow_channel_adapter.adapters import tables
from tradeflow_contracts import channels as ch

from .channel_adapter_world import PUSH, STAFF, case_moved, facts, paid, refund

PRICE = 8_000  # COURSE-1: base 100.00 at an 80 % markup


async def _shop(world, **controls):
    return await world.selling("shopa", PUSH | {"price_list": {"markup_bp": 8000}} | controls,
                               ("TB-1", "COURSE-1", 10_000, "virtual"))


def order(tid: str, units: int = 1, member: str | None = None) -> dict:
    return paid(tid, (f"{tid}01", "TB-1", units, "100.00", f"{100 * units}.00"), member=member or f"u-{tid}",
                phone=None)


@pytest.mark.parametrize("fits", [7])
async def test_twenty_concurrent_orders_take_exactly_the_credit_there_is(world, fits):
    shop = await _shop(world, credit_limit_amount=fits * PRICE + PRICE - 1)

    answers = await asyncio.gather(*(shop.push("shopa", order(f"T{i:02d}")) for i in range(20)))

    assert [a.status_code for a in answers] == [200] * 20
    statuses = [a.json()["received"][0]["status"] for a in answers]
    ledger = await shop.ledger("shopa")
    assert statuses.count("accepted") == fits and statuses.count("review") == 20 - fits
    assert sorted((r["status"], r["review_reason"]) for r in ledger) == sorted(
        [("accepted", None)] * fits + [("review", "over-credit")] * (20 - fits))
    assert sum(r["credit_amount"] for r in ledger) == fits * PRICE == await shop.credit_used("shopa")
    assert len(await shop.received()) == fits
    view = await shop.get("/channels/shopa")
    assert (view["credit_used_amount"], view["credit_remaining_amount"]) == (fits * PRICE, PRICE - 1)


async def test_a_refused_order_gives_its_credit_back_and_a_waiting_one_then_fits(world):
    shop = await _shop(world, credit_limit_amount=PRICE)
    await shop.pushed("shopa", order("T1"))
    waiting = await shop.pushed("shopa", order("T2"))
    [received] = await shop.received()

    refused = ch.ChannelOrderRefused(channel_order_id=received["channel_order_id"], channel="shopa",
                                     external_order_id="T1", reason="no such SKU", field="lines.0.sku",
                                     at=shop.clock.now())
    await shop.feed(refused)
    await shop.feed(refused)
    after_refusal = await shop.credit_used("shopa")
    retried = await shop.http.post(f"/channels/shopa/review/{waiting['id']}/retry", headers=STAFF)

    assert waiting["reason"] == "over-credit" and after_refusal == 0
    [t1, _] = await shop.ledger("shopa")
    assert (t1["status"], t1["review_reason"], t1["review_detail"], t1["credit_amount"]) == (
        "refused", "refused-by-order", "lines.0.sku: no such SKU", 0)
    assert (retried.status_code, retried.json()["status"]) == (200, "accepted")
    assert await shop.credit_used("shopa") == PRICE


async def test_a_cancelled_order_gives_its_credit_back_once(world):
    shop = await _shop(world, credit_limit_amount=10 * PRICE)
    await shop.pushed("shopa", order("T1", units=3))
    received = await shop.place("T1", "O-1")

    await shop.feed(facts(received, "O-1", "awaiting_shipment", 1))
    held = await shop.credit_used("shopa")
    await shop.feed(facts(received, "O-1", "cancelled", 2))
    await shop.feed(facts(received, "O-1", "cancelled", 3))

    [record] = await shop.ledger("shopa")
    assert held == 3 * PRICE
    assert (record["status"], record["credit_amount"], record["order_id"]) == ("cancelled", 0, "O-1")
    assert await shop.credit_used("shopa") == 0


async def test_an_order_cancelled_before_its_placement_is_recorded_gives_its_credit_back(world):
    shop = await _shop(world, credit_limit_amount=10 * PRICE)
    await shop.pushed("shopa", order("T1", units=2))
    [received] = await shop.received()

    await shop.feed(facts(received, "O-1", "cancelled", 1))  # out of stock: its facts before its placement
    held = await shop.credit_used("shopa")
    await shop.place("T1", "O-1", paid=False)

    [record] = await shop.ledger("shopa")
    assert held == 2 * PRICE
    assert (record["status"], record["order_id"], record["credit_amount"]) == ("cancelled", "O-1", 0)
    assert await shop.credit_used("shopa") == 0


async def test_a_completed_channel_case_gives_the_refunded_units_credit_back(world):
    shop = await _shop(world, credit_limit_amount=10 * PRICE)
    await shop.pushed("shopa", order("T1", units=3))
    await shop.place("T1", "O-1")
    assert (await shop.pushed("shopa", refund("RF1", "T1", ("T101", 2), fee="200.00")))["status"] == "sent"
    [case] = [e.payload for e in await shop.sent("after-sales.open-channel-case")]

    await shop.feed(case_moved(case, "approved", open_=True))
    before = await shop.credit_used("shopa")
    await shop.feed(case_moved(case, "completed"))
    await shop.feed(case_moved(case, "completed"))

    assert before == 3 * PRICE
    assert await shop.credit_used("shopa") == PRICE
    [record] = await shop.ledger("shopa")
    assert (record["status"], record["credit_amount"]) == ("placed", PRICE)
    [change] = await shop.rows(tables.channel_news)
    assert (change["status"], change["case_id"], change["detail"]) == ("done", case["case_id"], "the case completed")


async def test_a_refused_channel_case_keeps_the_credit_and_shows_for_staff(world):
    shop = await _shop(world)
    await shop.pushed("shopa", order("T1", units=2))
    await shop.place("T1", "O-1")
    await shop.pushed("shopa", refund("RF1", "T1", ("T101", 1)))
    [case] = [e.payload for e in await shop.sent("after-sales.open-channel-case")]

    await shop.feed(case_moved(case, "refused", reason="the entitlement was used up"))

    assert await shop.credit_used("shopa") == 2 * PRICE
    [change] = (await shop.get("/channels/shopa/review"))["changes"]
    assert (change["kind"], change["status"], change["detail"]) == ("refund", "refused", "the entitlement was used up")


async def test_a_member_limit_holds_that_members_next_order_only(world):
    shop = await _shop(world, member_limit_amount=PRICE + PRICE // 2)
    first = await shop.pushed("shopa", order("T1", member="big-buyer"))
    second = await shop.pushed("shopa", order("T2", member="big-buyer"))
    other = await shop.pushed("shopa", order("T3", member="someone-else"))

    assert [first["status"], second["status"], other["status"]] == ["accepted", "review", "accepted"]
    assert second["reason"] == "over-member-limit"
    assert second["detail"] == f"the order needs {PRICE}; the member has {PRICE // 2} of {PRICE + PRICE // 2} left"
    assert await shop.credit_used("shopa") == 2 * PRICE


async def test_an_order_outside_the_credits_period_waits(world):
    shop = await _shop(world, credit_limit_amount=10 * PRICE)
    now = shop.clock.now()
    await shop.channel("shopa", PUSH | {"credit_limit_amount": 10 * PRICE,
                                        "valid_until": (now + timedelta(hours=1)).isoformat()})
    before = await shop.pushed("shopa", order("T1"))
    shop.clock.advance(hours=1)
    after = await shop.pushed("shopa", order("T2"))

    assert (before["status"], after["status"], after["reason"]) == ("accepted", "review", "credit-not-valid")
    assert await shop.credit_used("shopa") == 10_000  # the configuration was replaced: no markup any more
