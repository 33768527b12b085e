"""The marketplace simulator on a real port: its push shop sends webhooks to a stand-in of our
gateway on another real port, its pull shop serves a signed feed, both take signed sync calls."""

import json
import time

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from tradeflow_simulators.market import CHANNEL_SIGNATURE, MarketSimSettings, create_app
from tradeflow_simulators.serving import serving
from tradeflow_simulators.signing import SignatureRejected
from tradeflow_testing.polling import poll_until

SECRETS = {"shopa": "test-shopa-secret", "shopb": "test-shopb-secret", "erpc": "test-erpc-secret"}
RECEIVER = {"name": "Li Lei", "phone": "13800000000", "region": "Shanghai", "city": "Shanghai",
            "address": "1 Nanjing Rd"}


class Gateway:
    """`POST /channels/{code}/webhooks` as ours: refuses (401) a push not signed with the shop's
    secret, fails its first `failures` good calls (503), then records each push (code, body)."""

    def __init__(self) -> None:
        self.failures, self.calls, self.received = 0, 0, []
        self.app = FastAPI()
        self.app.post("/channels/{code}/webhooks")(self.webhook)

    async def webhook(self, code: str, request: Request) -> Response:
        body = await request.body()
        try:
            CHANNEL_SIGNATURE.verify(SECRETS.get(code, "?"), request.headers, body)
        except SignatureRejected as exc:
            return Response(str(exc), status_code=401)
        self.calls += 1
        if self.calls <= self.failures:
            return Response(status_code=503)
        self.received.append((code, json.loads(body)))
        return Response(status_code=200)

    def pushes(self, tid: str) -> list[dict]:
        return [body for _, body in self.received if body.get("tid") == tid]


@pytest.fixture
async def gateway():
    gateway = Gateway()
    async with serving(gateway.app) as url:
        gateway.url = url
        yield gateway


@pytest.fixture
async def market(gateway):
    settings = MarketSimSettings(callback_url=f"{gateway.url}/channels/{{code}}/webhooks",
                                 push_secret=SECRETS["shopa"], pull_secret=SECRETS["shopb"],
                                 webhook_backoff_seconds=0.01, webhook_max_backoff_seconds=0.05)
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


def order_body(**changes) -> dict:
    return {"member_id": "m-1", "phone": "13900000001", "receiver": RECEIVER,
            "lines": [{"channel_sku": "A-SKU-1", "quantity": 2, "unit_price_amount": 1250, "paid_amount": 2400},
                      {"channel_sku": "A-SKU-2", "quantity": 1, "unit_price_amount": 999, "paid_amount": 999}],
            } | changes


async def placed(market: httpx.AsyncClient, code: str, **changes) -> dict:
    response = await market.post(f"/sim/market/{code}/orders", json=order_body(**changes))
    assert response.status_code == 201, response.text
    return response.json()


async def delivered(market: httpx.AsyncClient, tid: str, count: int) -> list[dict]:
    async def pushes():
        return (await market.get("/sim/market/shopa/pushes", params={"order": tid})).json()["items"]
    return await poll_until(pushes, lambda items: len(items) == count and all(p["state"] == "delivered" for p in items),
                            10, f"{count} pushes of {tid} delivered")


def signed(code: str, body: bytes = b"", *, secret: str | None = None, age: int = 0) -> dict[str, str]:
    return CHANNEL_SIGNATURE.headers(secret or SECRETS[code], int(time.time()) - age, body)


async def read_feed(market: httpx.AsyncClient, code: str, query: str, secret: str | None = None) -> dict:
    """A page of the shop's feed, the GET signed over its target below the shop."""
    target = f"/api/orders?{query}"
    response = await market.get(f"/{code}{target}", headers=signed(code, target.encode(), secret=secret))
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_push_shop_pushes_its_paid_order_signed_in_its_own_words(market, gateway):
    order = await placed(market, "shopa")
    tid = order["order_id"]
    pushes = await delivered(market, tid, 1)
    assert pushes[0]["attempts"][0]["status_code"] == 200
    [push] = gateway.pushes(tid)
    assert push == order["news"][0]
    assert (push["event"], push["status"], push["buyer_open_uid"], push["receiver_mobile"]) == (
        "TradeBuyerPay", "WAIT_SELLER_SEND_GOODS", "m-1", "13900000001")
    assert push["receiver_address"] == "Shanghai Shanghai 1 Nanjing Rd" and push["receiver_name"] == "Li Lei"
    assert push["orders"] == [
        {"oid": f"{tid}01", "outer_sku_id": "A-SKU-1", "num": 2, "price": "12.50", "payment": "24.00"},
        {"oid": f"{tid}02", "outer_sku_id": "A-SKU-2", "num": 1, "price": "9.99", "payment": "9.99"}]


async def test_one_orders_news_is_pushed_in_order_and_retried_until_answered(market, gateway):
    gateway.failures = 2
    tid = (await placed(market, "shopa", receiver=None, external_order_id="T-ORDERED"))["order_id"]
    assert tid == "T-ORDERED"
    await market.post(f"/sim/market/shopa/orders/{tid}/address", json={"receiver": RECEIVER})
    answer = await market.post(f"/sim/market/shopa/orders/{tid}/refunds",
                               json={"lines": [{"line_id": f"{tid}01", "quantity": 1}], "amount": 1200})
    assert answer.status_code == 201, answer.text
    await market.post(f"/sim/market/shopa/orders/{tid}/cancel", json={"reason": "out of stock"})
    pushes = await delivered(market, tid, 4)
    assert [p["attempts"][-1]["status_code"] for p in pushes] == [200] * 4
    assert [a["status_code"] for a in pushes[0]["attempts"]] == [503, 503, 200]
    events = gateway.pushes(tid)
    assert [e["event"] for e in events] == ["TradeBuyerPay", "TradeLogisticsAddressChanged", "RefundSuccess",
                                            "TradeClose"]
    assert events[0]["receiver_address"] is None and events[0]["receiver_mobile"] == "13900000001"
    assert events[2] | {"msg_id": ""} == {"msg_id": "", "event": "RefundSuccess", "tid": tid, "reason":
                                          "buyer asked for a refund", "refund_id": answer.json()["refund_id"],
                                          "refund_fee": "12.00", "items": [{"oid": f"{tid}01", "num": 1}]}
    assert (events[3]["status"], events[3]["close_reason"]) == ("TRADE_CLOSED", "out of stock")


async def test_a_duplicate_push_repeats_the_msg_id_and_an_unpublished_order_is_told_later(market, gateway):
    order = await placed(market, "shopa", publish=False)
    tid = order["order_id"]
    assert order["news"] == [] and order["published"] is False
    refund = await market.post(f"/sim/market/shopa/orders/{tid}/refunds",
                               json={"lines": [{"line_id": f"{tid}02", "quantity": 1}], "amount": 999})
    assert refund.status_code == 201
    again = await market.post(f"/sim/market/shopa/orders/{tid}/publish", json={"duplicate": True})
    assert again.status_code == 200 and len(again.json()["news"]) == 2
    await delivered(market, tid, 3)
    events = gateway.pushes(tid)
    assert [e["event"] for e in events] == ["RefundSuccess", "TradeBuyerPay", "TradeBuyerPay"], "refund first"
    assert events[1] == events[2]


async def test_a_raw_push_reports_what_the_gateway_answered_to_each_signature(market, gateway):
    body = {"event": "TradeBuyerPay", "tid": "RAW-1"}
    answers = {}
    for case in ({"signature": "good"}, {"signature": "bad"}, {"signature": "missing"},
                 {"timestamp_offset_seconds": -3600}):
        response = await market.post("/sim/market/shopa/push-raw", json={"body": body} | case)
        assert response.status_code == 200, response.text
        answers[json.dumps(case)] = response.json()["status_code"]
    assert list(answers.values()) == [200, 401, 401, 401]
    garbled = await market.post("/sim/market/shopa/push-raw", json={"raw": "{not json"})
    assert garbled.json()["sent"] == "{not json"
    assert gateway.received[0] == ("shopa", body)


async def test_the_pull_feed_pages_by_a_stable_cursor(market):
    first = await placed(market, "shopb")
    second = await placed(market, "shopb", receiver=None, phone=None)
    await market.post(f"/sim/market/shopb/orders/{first['order_id']}/cancel", json={"reason": "buyer"})
    page = await read_feed(market, "shopb", "limit=2")
    assert [r["seq"] for r in page["records"]] == [0, 1] and page["hasMore"] is True and page["nextCursor"] == "2"
    created = page["records"][0]
    assert created == {"seq": 0, **first["news"][0]}
    assert created["type"] == "ORDER_CREATED" and created["order"]["items"][0] == {
        "itemId": f"{first['order_id']}-1", "skuCode": "A-SKU-1", "qty": 2, "unitPrice": 1250, "paidAmount": 2400}
    assert created["order"]["receiver"] == {"name": "Li Lei", "mobile": "13800000000", "province": "Shanghai",
                                            "city": "Shanghai", "detail": "1 Nanjing Rd"}
    assert page["records"][1]["order"]["receiver"] is None and page["records"][1]["order"]["mobile"] is None
    last = await read_feed(market, "shopb", "cursor=2&limit=2")
    assert last["records"] == [{"seq": 2, "type": "ORDER_CANCELED", "orderNo": first["order_id"],
                                "cancelReason": "buyer"}]
    assert (last["nextCursor"], last["hasMore"]) == ("3", False)
    caught_up = await read_feed(market, "shopb", "cursor=3")
    assert caught_up == {"records": [], "nextCursor": "3", "hasMore": False}
    again = await read_feed(market, "shopb", "cursor=0&limit=2")
    assert again == page, "an old cursor reads the same records"
    assert second["order_id"] == again["records"][1]["order"]["orderNo"]
    beyond = await market.get("/shopb/api/orders?cursor=9", headers=signed("shopb", b"/api/orders?cursor=9"))
    assert beyond.status_code == 400 and beyond.json()["error"]["code"] == "invalid_cursor"


async def test_a_raw_record_joins_the_feed_as_it_is(market):
    added = await market.post("/sim/market/shopb/feed-raw", json={"record": {"type": "ORDER_CREATED", "order": 5}})
    assert added.status_code == 201 and added.json() == {"seq": 0, "type": "ORDER_CREATED", "order": 5}
    assert (await read_feed(market, "shopb", "cursor=0"))["records"] == [added.json()]
    refused = await market.post("/sim/market/shopa/feed-raw", json={"record": {}})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_a_pull_shop"


@pytest.mark.parametrize("headers", [{}, {"secret": "wrong"}, {"age": 3600}, {"target": "/api/orders?cursor=1"},
                                     {"target": "/shopb/api/orders?cursor=0"}])
async def test_the_feed_refuses_a_call_not_signed_with_the_shops_secret_now_over_its_target(market, headers):
    target = headers.pop("target", "/api/orders?cursor=0")
    sent = signed("shopb", target.encode(), **headers) if headers or target != "/api/orders?cursor=0" else {}
    response = await market.get("/shopb/api/orders?cursor=0", headers=sent)
    assert response.status_code == 401 and response.json()["error"]["code"] == "signature_rejected"


async def test_sync_calls_are_verified_recorded_and_fail_on_demand(market):
    tid = (await placed(market, "shopa"))["order_id"]
    body = json.dumps({"tid": tid, "status": "WAIT_BUYER_CONFIRM_GOODS", "logistics": {
        "company_code": "ZTO", "out_sid": "ZT1", "ship_id": "shp-1", "state": "shipped",
        "items": [{"oid": f"{tid}01", "num": 2}]}}).encode()
    unsigned = await market.post("/shopa/api/logistics", content=body, headers=signed("shopa", b"other"))
    assert unsigned.status_code == 401
    armed = await market.post("/sim/market/shopa/sync-failures", json={"count": 2})
    assert armed.status_code == 200
    answers = [await market.post("/shopa/api/logistics", content=body, headers=signed("shopa", body))
               for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[2].json()["is_success"] is True and answers[2].json()["tid"] == tid
    synced = (await market.get("/sim/market/shopa/synced", params={"order": tid})).json()["items"]
    assert [(s["path"], s["status"], s["known_order"]) for s in synced] == [
        ("logistics", "WAIT_BUYER_CONFIRM_GOODS", True)]
    assert synced[0]["body"]["logistics"]["out_sid"] == "ZT1"
    order = (await market.get(f"/sim/market/shopa/orders/{tid}")).json()
    assert order["status"] == "WAIT_BUYER_CONFIRM_GOODS"
    wrong_word = json.dumps({"tid": tid, "status": "SHIPPED"}).encode()
    refused = await market.post("/shopa/api/logistics", content=wrong_word, headers=signed("shopa", wrong_word))
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "status"
    elsewhere = await market.post("/shopa/api/orderStatus", content=body, headers=signed("shopa", body))
    assert elsewhere.status_code == 404


async def test_the_pull_shop_takes_its_own_sync_shape(market):
    order_no = (await placed(market, "shopb"))["order_id"]
    body = json.dumps({"orderNo": order_no, "status": "COMPLETED", "shipment": None}).encode()
    answer = await market.post("/shopb/api/orderStatus", content=body, headers=signed("shopb", body))
    assert answer.status_code == 200 and answer.json() == {"code": 0, "message": "success", "orderNo": order_no}
    with_secret_of_a = await market.post("/shopb/api/orderStatus", content=body, headers=signed("shopa", body))
    assert with_secret_of_a.status_code == 401
    synced = (await market.get("/sim/market/shopb/synced")).json()["items"]
    assert [(s["order_id"], s["status"]) for s in synced] == [(order_no, "COMPLETED")]


async def test_shops_added_for_a_test_and_refunds_beyond_the_order_refused(market, gateway):
    added = await market.post("/sim/market/shops", json={"code": "shopc", "kind": "marketplace_pull",
                                                         "secret": "c-secret"})
    assert added.status_code == 201 and added.json()["feed_path"] == "/shopc/api/orders"
    same = await market.post("/sim/market/shops", json={"code": "shopc", "kind": "marketplace_pull",
                                                        "secret": "c-secret"})
    assert same.status_code == 200
    other = await market.post("/sim/market/shops", json={"code": "shopc", "kind": "marketplace_push",
                                                         "secret": "c-secret"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "shop_conflict"
    order = await placed(market, "shopc")
    feed = await read_feed(market, "shopc", "cursor=0", secret="c-secret")
    assert [r["order"]["orderNo"] for r in feed["records"]] == [order["order_id"]]
    too_many = await market.post(f"/sim/market/shopc/orders/{order['order_id']}/refunds",
                                 json={"lines": [{"line_id": order["lines"][1]["line_id"], "quantity": 2}],
                                       "amount": 100})
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "refund_refused"
    too_much = await market.post(f"/sim/market/shopc/orders/{order['order_id']}/refunds",
                                 json={"lines": [{"line_id": order["lines"][1]["line_id"], "quantity": 1}],
                                       "amount": 1000})
    assert too_much.status_code == 422 and too_much.json()["error"]["field"] == "amount"
    unknown = await market.get("/sim/market/nowhere/orders/x")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "shop_not_found"


async def an_erp_shop(market: httpx.AsyncClient) -> dict:
    added = await market.post("/sim/market/shops", json={"code": "erpc", "kind": "erp", "secret": SECRETS["erpc"]})
    assert added.status_code == 201, added.text
    return added.json()


async def test_an_erp_shop_pushes_its_news_signed_in_its_own_words_naming_its_goods_codes(market, gateway):
    shop = await an_erp_shop(market)
    assert (shop["kind"], shop["sync_path"], shop["feed_path"]) == ("erp", "/erpc/api/order.logistics", None)
    assert shop["webhook_url"].endswith("/channels/erpc/webhooks") and shop["statuses"]["WaitSend"] == "paid"
    lines = order_body()["lines"]
    order = await placed(market, "erpc", lines=[lines[0] | {"goods_code": "G-100"}, lines[1]])
    so_id = order["order_id"]
    answer = await market.post(f"/sim/market/erpc/orders/{so_id}/refunds",
                               json={"lines": [{"line_id": f"{so_id}-1", "quantity": 1}], "amount": 1200})
    assert answer.status_code == 201, answer.text
    await market.post(f"/sim/market/erpc/orders/{so_id}/cancel", json={"reason": "out of stock"})
    async def pushed() -> list[dict]:
        return [body for code, body in gateway.received if code == "erpc" and body.get("SoId") == so_id]
    news = await poll_until(pushed, lambda xs: len(xs) == 3, 10, "three pushes of the ERP shop")
    assert [n["Method"] for n in news] == ["order.paid", "refund.success", "order.cancel"]
    assert news[0] == order["news"][0]
    assert (news[0]["ShopStatus"], news[0]["BuyerId"], news[0]["Mobile"], news[0]["Receiver"]["State"]) == (
        "WaitSend", "m-1", "13900000001", "Shanghai")
    assert news[0]["Items"] == [
        {"OuterOiId": f"{so_id}-1", "ShopSkuId": "A-SKU-1", "GoodsCode": "G-100", "Qty": 2, "Price": "12.50",
         "Amount": "24.00"},
        {"OuterOiId": f"{so_id}-2", "ShopSkuId": "A-SKU-2", "GoodsCode": "A-SKU-2", "Qty": 1, "Price": "9.99",
         "Amount": "9.99"}]
    assert news[1] | {"MsgId": ""} == {"MsgId": "", "Method": "refund.success", "AsId": answer.json()["refund_id"],
                                       "SoId": so_id, "RefundAmount": "12.00", "Reason": "buyer asked for a refund",
                                       "Items": [{"OuterOiId": f"{so_id}-1", "Qty": 1}]}
    assert (news[2]["ShopStatus"], news[2]["Remark"]) == ("Cancelled", "out of stock")


async def test_an_erp_shop_takes_its_own_sync_shape(market):
    await an_erp_shop(market)
    so_id = (await placed(market, "erpc"))["order_id"]
    body = json.dumps({"SoId": so_id, "ShopStatus": "Sent", "Logistics": {
        "LcName": "ZTO", "LId": "ZT1", "ShipmentId": "shp-1", "State": "shipped",
        "Items": [{"OuterOiId": f"{so_id}-1", "Qty": 2}]}, "ModifiedDate": None}).encode()
    answer = await market.post("/erpc/api/order.logistics", content=body, headers=signed("erpc", body))
    assert answer.status_code == 200 and answer.json()["Code"] == 0 and answer.json()["SoId"] == so_id
    other_secret = await market.post("/erpc/api/order.logistics", content=body, headers=signed("shopa", body))
    assert other_secret.status_code == 401
    for bad, field in (({"SoId": so_id, "ShopStatus": "SHIPPED"}, "ShopStatus"), ({"ShopStatus": "Sent"}, "SoId"),
                       ({"SoId": so_id, "ShopStatus": "Sent", "Logistics": {"LId": "x"}}, "Logistics.LcName")):
        raw = json.dumps(bad).encode()
        refused = await market.post("/erpc/api/order.logistics", content=raw, headers=signed("erpc", raw))
        assert refused.status_code == 400 and refused.json()["error"]["field"] == field
    elsewhere = await market.post("/erpc/api/logistics", content=body, headers=signed("erpc", body))
    assert elsewhere.status_code == 404
    synced = (await market.get("/sim/market/erpc/synced")).json()["items"]
    assert [(s["path"], s["order_id"], s["status"]) for s in synced] == [("order.logistics", so_id, "Sent")]
    assert (await market.get(f"/sim/market/erpc/orders/{so_id}")).json()["status"] == "Sent"
