"""An order whose channel SKU has no mapping is never guessed: it waits in review with the reason
and publishes nothing; staff map the SKU and retry it (accepted, charged, published once), or
reject it (nothing published, nothing charged, and it cannot be retried)."""

import pytest

from tradeflow_testing.access import bearer

from .channel_adapter_world import PUSH, STAFF, paid

BUYER = bearer("buyer-1", "buyer")


@pytest.fixture
async def shop(world):
    await world.selling("shopa", PUSH, ("TB-1", "COURSE-1", 10_000, "virtual"))
    await world.sku("COURSE-2", 4_000)
    return world


ORDER = paid("3200", ("320001", "TB-1", 1, "100.00", "100.00"), ("320002", "TB-9", 2, "40.00", "80.00"),
             ("320003", "TB-8", 1, "40.00", "40.00"))


async def test_an_unmapped_sku_waits_in_review_with_the_reason_and_publishes_nothing(shop):
    receipt = await shop.pushed("shopa", ORDER)
    review = await shop.get("/channels/shopa/review")
    [record] = await shop.ledger("shopa")

    assert (receipt["status"], receipt["reason"], receipt["detail"]) == (
        "review", "unmapped-sku", "channel SKUs without a mapping: TB-8, TB-9")
    unmapped = {"reason": "unmapped-sku", "detail": "channel SKUs without a mapping: TB-8, TB-9"}
    assert [(o["id"], o["external_order_id"], o["status"], o["review"]) for o in review["orders"]] == [
        (record["id"], "3200", "review", unmapped)]
    assert review["changes"] == []
    assert (record["credit_amount"], record["account_id"]) == (0, None)
    assert await shop.sent() == [] and await shop.credit_used("shopa") == 0


async def test_mapped_then_retried_the_order_is_accepted_and_published_once(shop):
    order_id = (await shop.pushed("shopa", ORDER))["id"]
    await shop.map("shopa", "TB-9", "COURSE-2")
    half = await shop.http.post(f"/channels/shopa/review/{order_id}/retry", headers=STAFF)
    await shop.map("shopa", "TB-8", "COURSE-2")
    retried = await shop.http.post(f"/channels/shopa/review/{order_id}/retry", headers=STAFF)
    again = await shop.http.post(f"/channels/shopa/review/{order_id}/retry", headers=STAFF)

    assert (half.status_code, half.json()["review"]) == (200, {"reason": "unmapped-sku",
                                                               "detail": "channel SKUs without a mapping: TB-8"})
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["review"], retried.json()["credit_amount"]) == (
        "accepted", None, 10_000 + 2 * 4_000 + 4_000)
    assert again.status_code == 409 and again.json()["type"].endswith("/not-in-review")
    [received] = await shop.received()
    assert [(ln["external_line_id"], ln["sku"]) for ln in received["lines"]] == [
        ("320001", "COURSE-1"), ("320002", "COURSE-2"), ("320003", "COURSE-2")]
    assert received["channel_order_id"] == order_id and received["buyer_id"] == retried.json()["account_id"]
    assert await shop.credit_used("shopa") == 22_000
    assert (await shop.get("/channels/shopa/review"))["orders"] == []


async def test_a_rejected_order_is_never_published_nor_charged_and_cannot_be_retried(shop):
    order_id = (await shop.pushed("shopa", ORDER))["id"]
    rejected = await shop.http.post(f"/channels/shopa/review/{order_id}/reject", json={"reason": "not our goods"},
                                    headers=STAFF)
    await shop.map("shopa", "TB-9", "COURSE-2")
    await shop.map("shopa", "TB-8", "COURSE-2")
    retried = await shop.http.post(f"/channels/shopa/review/{order_id}/retry", headers=STAFF)
    rejected_again = await shop.http.post(f"/channels/shopa/review/{order_id}/reject", json={"reason": "again"},
                                          headers=STAFF)
    repeat = await shop.pushed("shopa", ORDER)

    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert (retried.status_code, rejected_again.status_code) == (409, 409)
    assert (repeat["duplicate"], repeat["status"]) == (True, "rejected")
    [record] = await shop.ledger("shopa")
    assert (record["status"], record["review_detail"]) == ("rejected", "not our goods")
    assert await shop.sent() == [] and await shop.credit_used("shopa") == 0
    assert (await shop.get("/channels/shopa/review"))["orders"] == []


async def test_review_actions_name_only_the_channels_own_orders(shop):
    await shop.channel("shopc", PUSH)
    order_id = (await shop.pushed("shopa", ORDER))["id"]
    other = await shop.http.post(f"/channels/shopc/review/{order_id}/retry", headers=STAFF)
    unknown = await shop.http.post("/channels/shopa/review/co-nope/reject", json={"reason": "x"}, headers=STAFF)
    buyer = await shop.http.post(f"/channels/shopa/review/{order_id}/retry", headers=BUYER)

    assert (other.status_code, unknown.status_code, buyer.status_code) == (404, 404, 403)
    assert other.json()["type"].endswith("/channel-order-not-found")
    assert [r["status"] for r in await shop.ledger("shopa")] == ["review"]



async def test_goods_without_a_receiver_and_a_sku_priced_in_another_currency_wait_in_review(shop):
    await shop.sku("BOOK-1", 5_000, kind="physical")
    await shop.sku("COURSE-USD", 1_000, currency="USD")
    await shop.map("shopa", "TB-5", "BOOK-1")
    await shop.map("shopa", "TB-6", "COURSE-USD")

    goods = await shop.pushed("shopa", paid("3201", ("320101", "TB-5", 1, "50.00", "50.00")))
    dollars = await shop.pushed("shopa", paid("3202", ("320201", "TB-6", 1, "10.00", "10.00")))
    addressed = await shop.pushed("shopa", paid("3203", ("320301", "TB-5", 1, "50.00", "50.00"),
                                                address="Zhejiang Hangzhou 2 West Lake Rd"))

    assert (goods["status"], goods["reason"], goods["detail"]) == ("review", "no-receiver",
                                                                   "physical goods need a receiver")
    assert (dollars["status"], dollars["reason"], dollars["detail"]) == ("review", "currency-mismatch",
                                                                         "SKUs not priced in CNY: COURSE-USD")
    assert addressed["status"] == "accepted"
    assert [r["external_order_id"] for r in await shop.received()] == ["3203"]
