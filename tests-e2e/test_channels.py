"""Channel orders through the gateway, the market simulator and the whole stack (issue 13,
"Prove it"): a pushed marketplace order of a course is granted and its status synced back; a
pulled order of the second shop ships goods and its waybill is synced back; an unmapped SKU waits
in review until staff map it; the same phone from two channels is one account; a duplicate push
creates nothing and a wrongly signed one is refused; the sync-back endpoint failing for a while
is retried until it recovers."""

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from channel_desk import ChannelDesk, new_phone
from platform_client import eventually, unique

WORDS = {"marketplace_push": {"delivered": "TRADE_BUYER_SIGNED", "shipped": "WAIT_BUYER_CONFIRM_GOODS",
                              "completed": "TRADE_FINISHED"},
         "marketplace_pull": {"delivered": "DELIVERED", "shipped": "SHIPPED", "completed": "COMPLETED"}}



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
    shipments = await eventually(lambda: desk.shipments(order["id"]),
                                 lambda xs: xs and all(s["status"] == "dispatched" for s in xs), 45, "dispatched")
    for shipment in shipments:
        r = await wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
        assert r.status_code == 202, r.text
    calls = await desk.told(shop, bought["order_id"], lambda xs: WORDS["marketplace_pull"]["shipped"] in statuses(xs),
                            "the shop told of the shipment")
    shipped = next(c for c in calls if c["status"] == WORDS["marketplace_pull"]["shipped"])["body"]["shipment"]
    waybills = {s["waybill"] for s in await desk.shipments(order["id"])}
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
    phone = new_phone()
    first = await desk.buys(push, (a_sku, 1, 1000), phone=phone, receiver=None)
    second = await desk.buys(pull, (b_sku, 1, 1000), phone=f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}", receiver=None)
    without = await desk.buys(push, (a_sku, 1, 1000), phone=None, receiver=None, member="no-phone-" + phone)

    one = await desk.placed(push, first["order_id"], "completed")
    two = await desk.placed(pull, second["order_id"], "completed")
    alone = await desk.placed(push, without["order_id"], "completed")
    assert one["buyer_id"] == two["buyer_id"]
    assert alone["buyer_id"] != one["buyer_id"]

    r = await desk.platform.http.post(f"/channels/accounts/{alone['buyer_id']}/merge", headers=desk.staff,
                                      json={"into": one["buyer_id"], "reason": "the school told us who it is"})
    assert r.status_code == 200, r.text
    assert {"channel": push, "member_id": "no-phone-" + phone} in r.json()["members"]
    again = await desk.buys(push, (a_sku, 1, 1000), phone=None, receiver=None, member="no-phone-" + phone)
    assert (await desk.placed(push, again["order_id"], "completed"))["buyer_id"] == one["buyer_id"]
    r = await desk.platform.http.post(f"/channels/accounts/{one['buyer_id']}/merge", headers=desk.staff,
                                      json={"into": alone["buyer_id"], "reason": "backwards"})
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (409, "cannot-merge-accounts")


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



async def test_an_offline_partners_csv_is_imported_row_by_row_and_a_reimport_creates_nothing(desk, tmp_path,
                                                                                             gateway_url):
    code = unique("school").lower()
    await desk.configure(code, "offline", unique("secret-of-the-school"), {"paid": "paid"}, money="decimal")
    course, course_sku = await desk.product(code, 30000, kind="virtual", on_hand=0)
    book, book_sku = await desk.product(code, 4500)
    first, second, third = unique("S"), unique("S"), unique("S")
    rows = [  # header = line 1: the report names the file's lines
        f"{first},stu-1,13700000001,{course},1,300.00,280.00,Li Lei,13700000001,Zhejiang,Hangzhou,1 Wensan Rd",
        f"{first},stu-1,13700000001,{book},2,45.00,90.00,Li Lei,13700000001,Zhejiang,Hangzhou,1 Wensan Rd",
        f"{second},stu-2,,{course},x,300.00,300.00,,,,,",
        f"{third},stu-3,13700000003,never-mapped,1,10.00,10.00,,,,,",
    ]
    csv_file = tmp_path / "partner.csv"
    csv_file.write_text("external_order_id,member_id,phone,sku,quantity,unit_price,paid_amount,receiver_name,"
                        "receiver_phone,region,city,address\n" + "\n".join(rows) + "\n", encoding="utf-8")

    report = await _import(csv_file, code, gateway_url, expect_exit=1)
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(2, "accepted"), (3, "accepted"), (4, "rejected"),
                                                                 (5, "review")]
    assert report["rows"][2]["field"] == "quantity"
    order = await desk.placed(code, first, "awaiting_shipment", "partially_shipped")
    assert sorted((ln["sku"], ln["channel_paid_amount"]) for s in order["sub_orders"] for ln in s["lines"]) == sorted(
        [(course_sku, 28000), (book_sku, 9000)])

    again = await _import(csv_file, code, gateway_url, expect_exit=1)
    assert [(r["row"], r["status"]) for r in again["rows"]] == [(2, "duplicate"), (3, "duplicate"), (4, "rejected"),
                                                                (5, "duplicate")]
    r = await desk.platform.http.get(f"/channels/{code}/orders", headers=desk.staff)
    assert sorted(x["external_order_id"] for x in r.json()["items"]) == sorted([first, third])


async def test_gmv_by_channel_adds_up_what_the_channels_buyers_paid(desk):
    shop = await desk.shop("marketplace_push")
    course, _ = await desk.product(shop, 10000, kind="virtual", on_hand=0)
    start = datetime.now(UTC) - timedelta(seconds=5)
    one = await desk.buys(shop, (course, 1, 10000), receiver=None)
    two = await desk.buys(shop, (course, 2, 9950), receiver=None)
    for bought in (one, two):
        await desk.placed(shop, bought["order_id"], "completed")
    r = await desk.platform.http.get("/orders/reports/gmv", headers=desk.staff, params={
        "from": start.isoformat(), "to": (datetime.now(UTC) + timedelta(seconds=5)).isoformat()})
    assert r.status_code == 200, r.text
    [mine] = [item for item in r.json()["items"] if item["channel"] == shop]
    assert (mine["orders"], mine["gmv_amount"], mine["currency"]) == (2, 10000 + 2 * 9950, "CNY")


async def _import(csv_file, code: str, gateway_url: str, expect_exit: int) -> dict:
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("tradeflow")), "channel", "import", str(csv_file), "--channel", code,
        "--json", env={**os.environ, "TRADEFLOW_GATEWAY_URL": gateway_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == expect_exit, err.decode()
    return json.loads(out)
