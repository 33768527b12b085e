"""Channel orders through the gateway, the market simulator and the whole stack (issue 13,
"Prove it"): a pushed marketplace order of a course is granted and its status synced back; a
pulled order of the second shop ships goods and its waybill is synced back; an unmapped SKU waits
in review until staff map it; the same phone from two channels is one account; a duplicate push
creates nothing and a wrongly signed one is refused; the sync-back endpoint failing for a while
is retried until it recovers."""

import os

import httpx
import pytest
from channel_desk import MARKET_URL, ChannelDesk
from platform_client import eventually

WORDS = {"marketplace_push": {"delivered": "TRADE_BUYER_SIGNED", "shipped": "WAIT_BUYER_CONFIRM_GOODS",
                              "completed": "TRADE_FINISHED"},
         "marketplace_pull": {"delivered": "DELIVERED", "shipped": "SHIPPED", "completed": "COMPLETED"}}


@pytest.fixture
async def market():
    async with httpx.AsyncClient(base_url=MARKET_URL, timeout=15) as client:
        yield client


@pytest.fixture
def desk(platform, market) -> ChannelDesk:
    return ChannelDesk(platform, market)


def statuses(calls: list[dict]) -> list[str]:
    return [call["status"] for call in calls]


async def test_a_pushed_course_order_is_granted_at_no_cost_and_synced_back(desk):
    shop = await desk.shop("marketplace_push")
    course, sku = await desk.product(shop, 19900, kind="virtual", on_hand=0)
    bought = await desk.buys(shop, (course, 1, 19900), receiver=None)

    order = await desk.placed(shop, bought["order_id"], "completed")
    assert (order["type"], order["channel"], order["paid_amount"]) == ("channel", shop, 0)
    assert order["external_order_id"] == bought["order_id"]
    line = order["sub_orders"][0]["lines"][0]
    assert (line["sku"], line["channel_unit_price_amount"], line["channel_paid_amount"]) == (sku, 19900, 19900)
    payments = await desk.platform.payments_of(order["id"])
    assert [(p["amount"], p["status"]) for p in payments] == [(0, "succeeded")]

    calls = await desk.told(shop, bought["order_id"], lambda xs: WORDS["marketplace_push"]["completed"]
                            in statuses(xs), "the shop told the course was delivered and the order completed")
    assert statuses(calls)[:2] == [WORDS["marketplace_push"]["delivered"], WORDS["marketplace_push"]["completed"]]
    assert all(call["known_order"] for call in calls)


async def test_a_pulled_order_ships_its_goods_and_the_waybill_is_synced_back(desk, wms):
    shop = await desk.shop("marketplace_pull")
    shop_sku, sku = await desk.product(shop, 4500)
    bought = await desk.buys(shop, (shop_sku, 2, 4500))

    order = await desk.placed(shop, bought["order_id"], "awaiting_shipment", "partially_shipped", "shipped")
    assert order["paid_amount"] == 0 and order["receiver"]["city"] == "Hangzhou"
    assert order["sub_orders"][0]["lines"][0]["sku"] == sku
    shipments = await eventually(lambda: _shipments(desk, order["id"]),
                                 lambda xs: xs and all(s["status"] == "dispatched" for s in xs), 45, "dispatched")
    for shipment in shipments:
        r = await wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
        assert r.status_code == 202, r.text
    calls = await desk.told(shop, bought["order_id"], lambda xs: WORDS["marketplace_pull"]["shipped"] in statuses(xs),
                            "the shop told of the shipment")
    shipped = next(c for c in calls if c["status"] == WORDS["marketplace_pull"]["shipped"])["body"]["shipment"]
    waybills = {s["waybill"] for s in await _shipments(desk, order["id"])}
    assert shipped["trackingNo"] in waybills and shipped["trackingNo"]
    assert sum(item["qty"] for item in shipped["items"]) == 2
    assert {item["itemId"] for item in shipped["items"]} == {bought["lines"][0]["line_id"]}


async def test_an_unmapped_sku_waits_in_review_until_staff_map_it(desk):
    shop = await desk.shop("marketplace_push")
    course = await desk.platform.product("m-review", 3000, on_hand=0, kind="virtual")
    bought = await desk.buys(shop, ("never-mapped", 1, 3000), receiver=None)

    waiting = await desk.ledger(shop, bought["order_id"], "review")
    assert waiting["review"]["reason"] == "unmapped-sku" and "never-mapped" in waiting["review"]["detail"]
    assert [o["external_order_id"] for o in (await desk.review(shop))["orders"]] == [bought["order_id"]]

    await desk.mapped(shop, "never-mapped", course)
    r = await desk.platform.http.post(f"/channels/{shop}/review/{waiting['id']}/retry", headers=desk.staff)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    order = await desk.placed(shop, bought["order_id"], "completed")
    assert order["sub_orders"][0]["lines"][0]["sku"] == course
    assert (await desk.review(shop))["orders"] == []


async def test_the_same_phone_from_two_channels_is_one_account(desk):
    push, pull = await desk.shop("marketplace_push"), await desk.shop("marketplace_pull")
    a_sku, _ = await desk.product(push, 1000, kind="virtual", on_hand=0)
    b_sku, _ = await desk.product(pull, 1000, kind="virtual", on_hand=0)
    phone = f"139{os.getpid() % 10**4:04d}{os.urandom(2).hex()[:4].translate(str.maketrans('abcdef', '123456'))}"
    first = await desk.buys(push, (a_sku, 1, 1000), phone=phone, receiver=None)
    second = await desk.buys(pull, (b_sku, 1, 1000), phone=f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}", receiver=None)
    without = await desk.buys(push, (a_sku, 1, 1000), phone=None, receiver=None)

    one = await desk.placed(push, first["order_id"], "completed")
    two = await desk.placed(pull, second["order_id"], "completed")
    alone = await desk.placed(push, without["order_id"], "completed")
    assert one["buyer_id"] == two["buyer_id"]
    assert alone["buyer_id"] != one["buyer_id"]


async def test_a_duplicate_push_creates_nothing_and_a_wrongly_signed_push_is_refused(desk, market):
    shop = await desk.shop("marketplace_push")
    course, _ = await desk.product(shop, 500, kind="virtual", on_hand=0)
    bought = await desk.buys(shop, (course, 1, 500), receiver=None, duplicate=True)
    record = await desk.ledger(shop, bought["order_id"], "placed")

    async def pushes() -> list[dict]:
        return (await market.get(f"/sim/market/{shop}/pushes", params={"order": bought["order_id"]})).json()["items"]
    await eventually(pushes, lambda xs: len(xs) == 2 and all(p["state"] == "delivered" for p in xs), 30,
                     "both pushes of the order answered 2xx")
    r = await desk.platform.http.get(f"/channels/{shop}/orders", headers=desk.staff)
    assert [o["external_order_id"] for o in r.json()["items"]] == [bought["order_id"]]
    assert record["order_id"]

    for bad in ({"signature": "bad"}, {"signature": "missing"}, {"timestamp_offset_seconds": -3600}):
        r = await market.post(f"/sim/market/{shop}/push-raw", json={"body": {"event": "TradeBuyerPay"}, **bad})
        assert r.status_code == 200, r.text
        assert r.json()["status_code"] == 401, r.json()
    r = await market.post(f"/sim/market/{shop}/push-raw", json={"raw": "{not json"})
    assert r.json()["status_code"] == 422, r.json()


async def test_the_shop_failing_sync_calls_for_a_while_gets_them_once_it_recovers(desk, market):
    shop = await desk.shop("marketplace_push")
    course, _ = await desk.product(shop, 800, kind="virtual", on_hand=0)
    r = await market.post(f"/sim/market/{shop}/sync-failures", json={"count": 3})
    assert r.status_code == 200, r.text
    bought = await desk.buys(shop, (course, 1, 800), receiver=None)
    await desk.placed(shop, bought["order_id"], "completed")

    async def failing() -> list[dict]:
        r = await desk.platform.http.get("/channels/sync", params={"failing": "true", "channel": shop},
                                         headers=desk.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]
    shown = await eventually(failing, lambda xs: xs and xs[0]["attempts"] >= 1, 30, "a failing sync call shown")
    assert "503" in shown[0]["last_error"]
    calls = await desk.told(shop, bought["order_id"], lambda xs: WORDS["marketplace_push"]["completed"]
                            in statuses(xs), "the shop told once it recovered", timeout=60)
    assert statuses(calls) == [WORDS["marketplace_push"]["delivered"], WORDS["marketplace_push"]["completed"]]
    assert await failing() == []


async def _shipments(desk: ChannelDesk, order_id: str) -> list[dict]:
    r = await desk.platform.http.get("/fulfillment/shipments", params={"order_id": order_id}, headers=desk.staff)
    assert r.status_code == 200, r.text
    return r.json()["items"]
