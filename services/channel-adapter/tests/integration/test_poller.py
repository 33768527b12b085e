"""The poller of pull channels against the marketplace simulator's shop `shopb` on a real port (a
signed feed, 20 records a page): each page taken in with its cursor saved in one transaction, so
polling again doubles nothing and a restarted service goes on from the persisted cursor; a channel
that cannot be reached does not stop the others."""

from tradeflow_channel_adapter.adapters import tables

from .channel_adapter_market import SHOP_B, SHOP_B_SECRET
from .channel_adapter_world import PULL, channel_adapter


async def _shop(world, market, code: str = SHOP_B, url: str | None = None) -> None:
    await world.selling(code, PULL | {"secret": SHOP_B_SECRET, "api_base_url": url or market.base_url(SHOP_B)},
                        ("JD-1", "COURSE-1", 10_000, "virtual"))


async def _cursor(world, code: str = SHOP_B) -> str | None:
    [row] = await world.rows(tables.channels, tables.channels.c.code == code)
    return row["poll_cursor"]


async def test_a_page_is_taken_once_and_its_cursor_saved(world, market):
    await _shop(world, market)
    for i in range(3):
        await market.order(SHOP_B, f"B{i}", ("JD-1", 1, 9_900), member=f"mem-{i}")

    first = await world.poll()
    cursor = await _cursor(world)
    again = await world.poll()

    assert (first, cursor, again, await _cursor(world)) == (3, "3", 0, "3")
    ledger = await world.ledger(SHOP_B)
    assert [(r["external_order_id"], r["status"], r["source"]) for r in ledger] == [
        ("B0", "accepted", "pull"), ("B1", "accepted", "pull"), ("B2", "accepted", "pull")]
    received = await world.received()
    assert sorted(r["external_order_id"] for r in received) == ["B0", "B1", "B2"]
    assert received[0]["lines"] == [{"external_line_id": "B0-1", "sku": "COURSE-1", "quantity": 1,
                                     "channel_unit_price_amount": 9_900, "channel_paid_amount": 9_900}]


async def test_news_after_the_cursor_are_taken_on_the_next_round_and_a_repeated_record_is_a_duplicate(world, market):
    await _shop(world, market)
    await market.order(SHOP_B, "B0", ("JD-1", 1, 9_900))
    assert await world.poll() == 1
    await market.order(SHOP_B, "B1", ("JD-1", 2, 9_900))
    r = await market.control.post(f"/sim/market/{SHOP_B}/orders/B0/publish", json={"duplicate": True})
    assert r.status_code == 200, r.text

    assert await world.poll() == 3  # B1, and B0 told twice more: answered as duplicates
    assert await _cursor(world) == "4"
    assert [r["external_order_id"] for r in await world.ledger(SHOP_B)] == ["B0", "B1"]
    assert len(await world.received()) == 2


async def test_a_restarted_service_goes_on_from_the_persisted_cursor(channel_adapter_database_url, market):
    async with channel_adapter(channel_adapter_database_url) as before:
        await _shop(before, market)
        for i in range(25):
            await market.order(SHOP_B, f"B{i:02d}", ("JD-1", 1, 9_900), member=f"mem-{i}")
        assert await before.poll(max_pages=1) == 20
        assert await _cursor(before) == "20"

    async with channel_adapter(channel_adapter_database_url) as after:
        assert await after.poll() == 5
        assert await after.poll() == 0
        assert await _cursor(after) == "25"
        ledger = await after.ledger(SHOP_B)
        assert [r["external_order_id"] for r in ledger] == [f"B{i:02d}" for i in range(25)]
        assert sorted(r["external_order_id"] for r in await after.received()) == [f"B{i:02d}" for i in range(25)]


async def test_a_channel_that_cannot_be_reached_does_not_stop_the_others(world, market):
    await _shop(world, market, code="shopa-down", url="http://127.0.0.1:9/shopb")
    await _shop(world, market)
    await market.order(SHOP_B, "B0", ("JD-1", 1, 9_900))

    assert await world.poll() == 1
    assert (await _cursor(world, "shopa-down"), await _cursor(world)) == (None, "1")


async def test_a_feed_signed_with_another_secret_is_refused_by_the_channel_and_nothing_moves(world, market):
    await world.channel(SHOP_B, PULL | {"secret": "not-the-shops-secret", "api_base_url": market.base_url(SHOP_B)})
    await market.order(SHOP_B, "B0", ("JD-1", 1, 9_900))

    assert await world.poll() == 0
    assert await _cursor(world) is None and await world.ledger(SHOP_B) == []


async def test_a_pulled_refund_and_cancellation_reach_the_platform_through_the_feed(world, market):
    await _shop(world, market)
    await market.order(SHOP_B, "B0", ("JD-1", 2, 9_900))
    await market.order(SHOP_B, "B1", ("JD-1", 1, 9_900))
    assert await world.poll() == 2
    await world.place("B0", "O-0")
    await world.place("B1", "O-1")
    r = await market.control.post(f"/sim/market/{SHOP_B}/orders/B0/refunds",
                                  json={"lines": [{"line_id": "B0-1", "quantity": 1}], "amount": 9_900})
    assert r.status_code == 201, r.text
    r = await market.control.post(f"/sim/market/{SHOP_B}/orders/B1/cancel", json={"reason": "changed mind"})
    assert r.status_code == 200, r.text

    assert await world.poll() == 2

    [case] = [e.payload for e in await world.sent("after-sales.open-channel-case")]
    [cancel] = [e.payload for e in await world.sent("order.cancel-channel-order")]
    assert (case["order_id"], case["lines"], case["channel_refund_amount"]) == (
        "O-0", [{"line_id": "O-0-L1", "quantity": 1}], 9_900)
    assert (cancel["order_id"], cancel["external_order_id"], cancel["reason"]) == ("O-1", "B1", "changed mind")
