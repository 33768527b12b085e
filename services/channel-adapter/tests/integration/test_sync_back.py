"""Sync back: what the order's facts say the channel must hear (a shipment left with its carrier
and waybill, it was signed for, a course was granted) is kept once each in the sync-back outbox,
then sent by the job to the channel — here the marketplace simulator on a real port, over real
HTTP, signed — retried with backoff while the channel fails (and shown as failing), in order per
order, until acknowledged."""

import pytest

from tradeflow_channel_adapter.adapters import tables
from tradeflow_contracts.order_facts import ShipmentFacts, ShipmentLineFacts

from .channel_adapter_market import SHOP_A, SHOP_A_SECRET, SHOP_B, SHOP_B_SECRET
from .channel_adapter_world import OFFLINE, PULL, PUSH, STAFF, facts, paid

BOOK = ("TB-2", "BOOK-1", 5_000, "physical")


def shipment(status: str, shipment_id: str = "S-1", order_id: str = "O-1") -> ShipmentFacts:
    return ShipmentFacts(shipment_id=shipment_id, warehouse="WH-1", carrier="SF", status=status,
                         waybill=f"SF{shipment_id}", lines=[ShipmentLineFacts(line_id=f"{order_id}-L1", quantity=2)])


@pytest.fixture
async def shop(world, market):
    return await world.selling(SHOP_A, PUSH | {"secret": SHOP_A_SECRET, "api_base_url": market.base_url(SHOP_A)},
                               BOOK)


async def _placed(world, tid: str, order_id: str) -> dict:
    await world.push(SHOP_A, paid(tid, (f"{tid}01", "TB-2", 2, "50.00", "100.00"), address="Zhejiang Hangzhou 2 Rd"),
                     secret=SHOP_A_SECRET)
    return await world.place(tid, order_id)


async def _calls(world) -> list[tuple[str, str, int]]:
    """(key, status, attempts) of every sync-back call, oldest first."""
    return [(r["call_key"].split(":", 1)[1], r["status"], r["attempts"])
            for r in await world.rows(tables.sync_calls, order_by=tables.sync_calls.c.seq)]


async def test_each_fact_is_kept_once_however_often_the_facts_are_told(shop):
    received = await _placed(shop, "3500", "O-1")

    await shop.feed(facts(received, "O-1", "awaiting_shipment", 1, kind="physical"))
    await shop.feed(facts(received, "O-1", "shipped", 2, kind="physical", shipments=[shipment("shipped")]))
    await shop.feed(facts(received, "O-1", "shipped", 3, kind="physical", shipments=[shipment("signed")]))
    await shop.feed(facts(received, "O-1", "shipped", 3, kind="physical", shipments=[shipment("signed")]))
    await shop.feed(facts(received, "O-1", "completed", 4, kind="physical", shipments=[shipment("signed")]))

    assert await _calls(shop) == [("shipped:S-1", "pending", 0), ("signed:S-1", "pending", 0),
                                  ("completed", "pending", 0)]
    [first, *_] = await shop.rows(tables.sync_calls, order_by=tables.sync_calls.c.seq)
    assert first["update"]["shipment"] | {"lines": None} == {
        "shipment_id": "S-1", "status": "shipped", "carrier": "SF", "waybill": "SFS-1", "lines": None}
    assert first["update"]["shipment"]["lines"] == [["350001", 2]]


async def test_a_failing_channel_is_retried_with_backoff_shown_while_failing_then_told_in_order(shop, market):
    received = await _placed(shop, "3500", "O-1")
    await shop.feed(facts(received, "O-1", "shipped", 1, kind="physical", shipments=[shipment("shipped")]))
    await shop.feed(facts(received, "O-1", "shipped", 2, kind="physical", shipments=[shipment("signed")]))
    await market.fail_syncs(SHOP_A, 2)

    assert await shop.send_due() == 1  # only the oldest of the order: the channel hears it in order
    [failing] = (await shop.get("/channels/sync", failing="true"))["items"]
    assert await shop.send_due() == 0  # backing off
    shop.clock.advance(seconds=2)
    assert await shop.send_due() == 1
    backed_off = await shop.get("/channels/sync", failing="true")
    shop.clock.advance(seconds=3)
    assert await shop.send_due() == 0  # the second wait is twice the first
    shop.clock.advance(seconds=1)
    assert await shop.send_due() == 1
    assert await shop.send_due() == 1
    assert await shop.send_due() == 0

    assert (failing["key"].endswith(":shipped:S-1"), failing["status"], failing["attempts"]) == (True, "failing", 1)
    assert failing["last_error"].startswith("HTTP 503") and "temporarily_unavailable" in failing["last_error"]
    assert failing["update"] == {"external_order_id": "3500", "status": "shipped", "shipment_id": "S-1",
                                 "waybill": "SFS-1"}
    assert [(c["attempts"], c["status"]) for c in backed_off["items"]] == [(2, "failing")]
    assert (await shop.get("/channels/sync", failing="true"))["items"] == []
    assert await _calls(shop) == [("shipped:S-1", "acked", 3), ("signed:S-1", "acked", 1)]
    synced = await market.synced(SHOP_A)
    assert [(s["order_id"], s["status"]) for s in synced] == [("3500", "WAIT_BUYER_CONFIRM_GOODS"),
                                                             ("3500", "TRADE_BUYER_SIGNED")]
    assert synced[0]["body"]["logistics"] == {"company_code": "SFEXPRESS", "out_sid": "SFS-1", "ship_id": "S-1",
                                              "state": "shipped", "items": [{"oid": "350001", "num": 2}]}


async def test_one_orders_failing_call_holds_back_only_that_order(shop, market):
    first = await _placed(shop, "3501", "O-1")
    second = await _placed(shop, "3502", "O-2")
    for received, order_id in ((first, "O-1"), (second, "O-2")):
        await shop.feed(facts(received, order_id, "shipped", 1, kind="physical",
                              shipments=[shipment("signed", order_id=order_id)]))
    await market.fail_syncs(SHOP_A, 1)

    assert await shop.send_due() == 2  # each order's oldest call: O-1's fails, O-2's is acknowledged
    assert await shop.send_due() == 1  # O-2's next; O-1's waits for its first
    shop.clock.advance(seconds=2)
    assert await shop.send_due() == 1
    assert await shop.send_due() == 1

    synced = [(s["order_id"], s["status"]) for s in await market.synced(SHOP_A)]
    assert synced == [("3502", "WAIT_BUYER_CONFIRM_GOODS"), ("3502", "TRADE_BUYER_SIGNED"),
                      ("3501", "WAIT_BUYER_CONFIRM_GOODS"), ("3501", "TRADE_BUYER_SIGNED")]


async def test_a_granted_course_is_told_as_delivered(shop, market):
    await shop.sku("COURSE-1", 10_000)
    await shop.map(SHOP_A, "TB-1", "COURSE-1")
    await shop.push(SHOP_A, paid("3600", ("360001", "TB-1", 1, "100.00", "100.00")), secret=SHOP_A_SECRET)
    received = await shop.place("3600", "O-6")

    await shop.feed(facts(received, "O-6", "awaiting_shipment", 1))
    await shop.feed(facts(received, "O-6", "completed", 2, entitlement_id="E-1"))
    await shop.send_due()
    await shop.send_due()

    assert await _calls(shop) == [("granted", "acked", 1), ("completed", "acked", 1)]
    assert [s["status"] for s in await market.synced(SHOP_A)] == ["TRADE_BUYER_SIGNED", "TRADE_FINISHED"]


async def test_an_offline_channel_is_never_called_back(world):
    await world.selling("school", OFFLINE, ("B-1", *BOOK[1:]))
    row = {"external_order_id": "SCH-1", "member_id": "s-1", "sku": "B-1", "quantity": "2", "unit_price": "5000",
           "paid_amount": "10000", "receiver_name": "Wang Wu", "receiver_phone": "13600136000", "region": "Beijing",
           "city": "Beijing", "address": "5 Chang'an Ave"}
    report = (await world.http.post("/channels/school/imports", json={"rows": [row]}, headers=STAFF)).json()
    received = await world.place("SCH-1", "O-7")

    await world.feed(facts(received, "O-7", "shipped", 1, kind="physical",
                           shipments=[shipment("signed", order_id="O-7")]))
    await world.send_due()

    assert report["accepted"] == 1
    assert await world.rows(tables.sync_calls) == []
    assert (await world.get("/channels/sync", failing="true"))["items"] == []



async def test_calls_to_a_channel_without_an_address_wait_saying_so_until_it_is_configured(world, market):
    await world.selling(SHOP_A, PUSH | {"secret": SHOP_A_SECRET}, BOOK)
    received = await _placed(world, "3700", "O-1")
    await world.feed(facts(received, "O-1", "shipped", 1, kind="physical", shipments=[shipment("shipped")]))

    assert await world.send_due() == 1
    [failing] = (await world.get("/channels/sync", failing="true"))["items"]
    await world.channel(SHOP_A, PUSH | {"secret": SHOP_A_SECRET, "api_base_url": market.base_url(SHOP_A)})
    world.clock.advance(seconds=2)
    assert await world.send_due() == 1

    assert (failing["attempts"], failing["last_error"]) == (1, "the channel has no api_base_url to call")
    assert await _calls(world) == [("shipped:S-1", "acked", 2)]
    assert [s["order_id"] for s in await market.synced(SHOP_A)] == ["3700"]


async def test_a_pull_shop_is_told_in_its_own_words(world, market):
    await world.selling(SHOP_B, PULL | {"secret": SHOP_B_SECRET, "api_base_url": market.base_url(SHOP_B),
                                        "vocabulary": PULL["vocabulary"] | {"carriers": {"SF": "SF_EXPRESS"}}},
                        ("JD-2", "BOOK-1", 5_000, "physical"))
    receiver = {"name": "Han Meimei", "phone": "13900139000", "region": "Zhejiang", "city": "Hangzhou",
                "address": "2 West Lake Rd"}
    await market.order(SHOP_B, "B9", ("JD-2", 2, 5_000), receiver=receiver)
    assert await world.poll() == 1
    received = await world.place("B9", "O-9")
    await world.feed(facts(received, "O-9", "shipped", 1, kind="physical",
                           shipments=[shipment("shipped", order_id="O-9")]))

    assert await world.send_due() == 1

    [call] = await market.synced(SHOP_B)
    assert (call["path"], call["order_id"], call["status"]) == ("orderStatus", "B9", "SHIPPED")
    assert call["body"]["shipment"] == {"shipmentNo": "S-1", "carrierCode": "SF_EXPRESS", "trackingNo": "SFS-1",
                                        "state": "shipped", "items": [{"itemId": "B9-1", "qty": 2}]}
