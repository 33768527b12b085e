"""A channel's changes and controls through the whole stack (issue 13, "Prove it"): a channel
refund revokes the course (no money moves here, the channel's credit comes back); a refund that
arrives before its order is applied once the order does; a channel cancellation stops an order
whose goods have not left and returns one whose goods have; the channel's credit under 20
concurrent orders places exactly the ones that fit; the poller restarted mid-way neither loses
nor doubles an order."""

import asyncio

import pytest
from channel_desk import ChannelDesk
from platform_client import eventually
from stack_parts import kill9, status, wait_restarted


@pytest.fixture
def desk(platform, market) -> ChannelDesk:
    return ChannelDesk(platform, market)


async def cases_of(desk: ChannelDesk, order_id: str) -> list[dict]:
    r = await desk.platform.http.get("/after-sales", params={"order_id": order_id}, headers=desk.staff)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def entitlements_of(desk: ChannelDesk, account: str) -> list[dict]:
    r = await desk.platform.http.get("/entitlements", params={"account": account}, headers=desk.staff)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def changes(desk: ChannelDesk, shop: str) -> list[dict]:
    r = await desk.platform.http.get(f"/channels/{shop}/changes", headers=desk.staff)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_channel_refund_revokes_the_course_moves_no_money_and_gives_the_credit_back(desk):
    shop = await desk.shop("marketplace_push", credit_limit_amount=100_000)
    course, _ = await desk.product(shop, 12000, kind="virtual", on_hand=0)
    bought = await desk.buys(shop, (course, 1, 12000), receiver=None)
    order = await desk.placed(shop, bought["order_id"], "completed")
    assert (await desk.channel(shop))["credit_used_amount"] == 12000
    [granted] = await entitlements_of(desk, order["buyer_id"])
    assert granted["status"] == "active"

    line_id = bought["lines"][0]["line_id"]
    await desk.shop_does(shop, bought["order_id"], "refunds", {"lines": [{"line_id": line_id, "quantity": 1}],
                                                               "amount": 12000})
    [case] = await eventually(lambda: cases_of(desk, order["id"]),
                              lambda xs: xs and xs[0]["status"] == "completed", 60, "the channel case completed")
    assert (case["type"], case["channel_refund_amount"], case["refunded_amount"] or 0) == ("refund_only", 12000, 0)
    [revoked] = await entitlements_of(desk, order["buyer_id"])
    assert revoked["status"] == "revoked"
    payments = await desk.platform.payments_of(order["id"])
    assert [p["amount"] for p in payments] == [0] and all(not p.get("refunds") for p in payments)
    channel = await eventually(lambda: desk.channel(shop), lambda c: c["credit_used_amount"] == 0, 30,
                               "the refunded course's credit given back")
    assert channel["credit_remaining_amount"] == 100_000
    assert [(c["kind"], c["status"]) for c in await changes(desk, shop)] == [("refund", "done")]


async def test_a_refund_that_arrives_before_its_order_is_applied_when_the_order_does(desk):
    shop = await desk.shop("marketplace_push")
    course, _ = await desk.product(shop, 5000, kind="virtual", on_hand=0)
    bought = await desk.buys(shop, (course, 1, 5000), receiver=None, publish=False)
    line_id = bought["lines"][0]["line_id"]
    await desk.shop_does(shop, bought["order_id"], "refunds", {"lines": [{"line_id": line_id, "quantity": 1}],
                                                               "amount": 5000})
    parked = await eventually(lambda: changes(desk, shop), lambda xs: xs and xs[0]["status"] == "parked", 30,
                              "the refund parked")
    assert parked[0]["detail"] == "waiting for its order"

    await desk.shop_does(shop, bought["order_id"], "publish", {})
    record = await desk.ledger(shop, bought["order_id"], "placed")
    [case] = await eventually(lambda: cases_of(desk, record["order_id"]),
                              lambda xs: xs and xs[0]["status"] == "completed", 60, "the parked refund's case done")
    assert case["channel_refund_amount"] == 5000
    order = await desk.platform.order(record["order_id"])
    [revoked] = await entitlements_of(desk, order["buyer_id"])
    assert revoked["status"] == "revoked"


async def test_a_channel_cancellation_stops_goods_not_yet_left_and_returns_goods_that_have(desk, wms):
    shop = await desk.shop("marketplace_push")
    shop_sku, _ = await desk.product(shop, 3000)
    before, after = await desk.buys(shop, (shop_sku, 1, 3000)), await desk.buys(shop, (shop_sku, 1, 3000))
    first = await desk.placed(shop, before["order_id"], "awaiting_shipment")
    second = await desk.placed(shop, after["order_id"], "awaiting_shipment")

    await desk.shop_does(shop, before["order_id"], "cancel", {"reason": "buyer cancelled on the marketplace"})
    cancelled = await desk.platform.wait_order(first["id"], lambda o: o["status"] == "cancelled", "cancelled", 60)
    assert cancelled["refunded_amount"] == 0
    await desk.told(shop, before["order_id"], lambda xs: "TRADE_CLOSED" in [c["status"] for c in xs],
                    "the shop told the order was cancelled")

    shipments = await eventually(lambda: desk.shipments(second["id"]),
                                 lambda xs: xs and all(s["status"] == "dispatched" for s in xs), 45, "dispatched")
    for shipment in shipments:
        r = await wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
        assert r.status_code == 202, r.text
    await desk.platform.wait_order(second["id"], lambda o: o["status"] == "shipped", "shipped", 45)
    await desk.shop_does(shop, after["order_id"], "cancel", {"reason": "buyer cancelled after shipment"})
    [case] = await eventually(lambda: cases_of(desk, second["id"]),
                              lambda xs: xs and xs[0]["status"] in ("awaiting_return", "returning"), 60,
                              "the shipped order's cancellation became a return")
    assert case["channel_refund_amount"] == 3000
    assert (await desk.platform.order(second["id"]))["status"] == "shipped"


async def test_the_channels_credit_places_exactly_the_orders_that_fit_under_20_at_once(desk):
    price, fits = 2500, 7
    shop = await desk.shop("marketplace_push", credit_limit_amount=price * fits)
    course, _ = await desk.product(shop, price, kind="virtual", on_hand=0)
    bought = await asyncio.gather(*(desk.buys(shop, (course, 1, price), receiver=None) for _ in range(20)))

    async def ledger() -> list[dict]:
        r = await desk.platform.http.get(f"/channels/{shop}/orders", headers=desk.staff)
        return r.json()["items"]
    rows = await eventually(ledger, lambda xs: len(xs) == 20 and all(x["status"] in ("placed", "review") for x in xs),
                            60, "every order placed or in review")
    placed = [x for x in rows if x["status"] == "placed"]
    held = [x for x in rows if x["status"] == "review"]
    assert len(placed) == fits and len(held) == 20 - fits
    assert {x["review"]["reason"] for x in held} == {"over-credit"}
    assert {x["external_order_id"] for x in rows} == {b["order_id"] for b in bought}
    channel = await desk.channel(shop)
    assert (channel["credit_used_amount"], channel["credit_remaining_amount"]) == (price * fits, 0)
    for x in placed:
        await desk.platform.wait_order(x["order_id"], lambda o: o["status"] == "completed", "completed", 60)


@pytest.mark.serial  # kills the channel adapter
async def test_the_poller_restarted_mid_way_neither_loses_nor_doubles_an_order(desk):
    shop = await desk.shop("marketplace_pull")
    course, _ = await desk.product(shop, 900, kind="virtual", on_hand=0)
    early = [await desk.buys(shop, (course, 1, 900), receiver=None) for _ in range(3)]
    await desk.ledger(shop, early[0]["order_id"], "placed", "accepted")

    before = (await status())["channel-adapter"]
    old_pid = kill9("channel-adapter")
    late = [await desk.buys(shop, (course, 1, 900), receiver=None) for _ in range(3)]
    await wait_restarted("channel-adapter", old_pid, before["restarts"])

    for bought in early + late:
        await desk.placed(shop, bought["order_id"], "completed")
    r = await desk.platform.http.get(f"/channels/{shop}/orders", headers=desk.staff)
    assert sorted(x["external_order_id"] for x in r.json()["items"]) == sorted(b["order_id"] for b in early + late)

