"""A channel's cancellations, refunds and address changes: each kept once, parked until its order is
placed when it comes first, then acted on through the platform — a refund as an after-sales channel
case on the platform's line ids, a cancellation as the order's own (or, when the goods already
left, a refund of every line)."""

import pytest

from tradeflow_channel_adapter.adapters import tables
from tradeflow_contracts import channels as ch

from .channel_adapter_world import PUSH, STAFF, close, facts, paid, refund

ORDER = paid("3300", ("330001", "TB-1", 2, "100.00", "180.00"), ("330002", "TB-2", 1, "50.00", "50.00"))


@pytest.fixture
async def shop(world):
    return await world.selling("shopa", PUSH, ("TB-1", "COURSE-1", 10_000, "virtual"),
                               ("TB-2", "COURSE-2", 5_000, "virtual"))


async def _cases(world) -> list[dict]:
    return [e.payload for e in await world.sent("after-sales.open-channel-case")]


async def test_a_refund_before_its_order_waits_and_opens_a_case_on_the_platforms_lines_once_placed_and_paid(shop):
    parked = await shop.pushed("shopa", refund("RF1", "3300", ("330001", 1), fee="90.00"))
    repeat = await shop.pushed("shopa", refund("RF1", "3300", ("330001", 1), fee="90.00"))
    await shop.pushed("shopa", ORDER)
    still = await shop.get("/channels/shopa/changes")
    await shop.place("3300", "O-1")
    await shop.place("3300", "O-1")  # a repeated answer

    assert (parked["kind"], parked["status"], parked["detail"]) == ("refund", "parked", "waiting for its order")
    assert (repeat["duplicate"], repeat["status"]) == (True, "known")
    assert [c["status"] for c in still["items"]] == ["parked"]
    [case] = await _cases(shop)
    assert case | {"at": None} == {
        "case_id": f"as_ch_{parked['id']}", "order_id": "O-1", "channel": "shopa", "external_refund_id": "RF1",
        "lines": [{"line_id": "O-1-L1", "quantity": 1}], "channel_refund_amount": 9000, "reason": "broken",
        "requested_by": "channel:shopa", "at": None, "facts_version": 0}
    [change] = await shop.rows(tables.channel_news)
    assert (change["status"], change["case_id"]) == ("sent", case["case_id"])


async def test_a_refund_of_an_order_placed_but_not_yet_paid_waits_for_its_payment(shop):
    await shop.pushed("shopa", ORDER)
    received = await shop.place("3300", "O-1", paid=False)
    await shop.feed(facts(received, "O-1", "pending_payment", 1))
    receipt = await shop.pushed("shopa", refund("RF1", "3300", ("330002", 1), fee="50.00"))
    waiting = await _cases(shop)
    await shop.feed(facts(received, "O-1", "awaiting_shipment", 3))
    await shop.feed(facts(received, "O-1", "pending_payment", 2))  # older facts, late
    await shop.feed(facts(received, "O-1", "awaiting_shipment", 4))

    assert (receipt["status"], waiting) == ("parked", [])
    [case] = await _cases(shop)
    assert (case["lines"], case["facts_version"]) == ([{"line_id": "O-1-L2", "quantity": 1}], 3)


async def test_a_refund_of_a_paid_order_opens_its_case_at_once(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    receipt = await shop.pushed("shopa", refund("RF2", "3300", ("330001", 2), ("330002", 1), fee="230.00"))

    [case] = await _cases(shop)
    assert receipt["status"] == "sent"
    assert (case["lines"], case["channel_refund_amount"]) == (
        [{"line_id": "O-1-L1", "quantity": 2}, {"line_id": "O-1-L2", "quantity": 1}], 23_000)


async def test_a_refund_naming_lines_the_order_has_not_is_refused_for_staff(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    receipt = await shop.pushed("shopa", refund("RF3", "3300", ("339999", 1)))

    assert (receipt["status"], receipt["detail"]) == ("refused", "lines not in the order: 339999")
    assert await _cases(shop) == []
    [change] = (await shop.get("/channels/shopa/review"))["changes"]
    assert (change["kind"], change["status"]) == ("refund", "refused")


async def test_a_cancellation_of_a_placed_order_asks_the_order_to_cancel_it(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    receipt = await shop.pushed("shopa", close("3300"))
    repeat = await shop.pushed("shopa", close("3300"))

    [cancel] = [e.payload for e in await shop.sent("order.cancel-channel-order")]
    assert (receipt["kind"], receipt["status"], repeat["duplicate"]) == ("cancellation", "sent", True)
    assert cancel == {"order_id": "O-1", "channel": "shopa", "external_order_id": "3300",
                      "reason": "buyer cancelled", "requested_by": "channel:shopa"}


async def test_a_cancellation_before_the_order_is_placed_waits_for_it(shop):
    await shop.pushed("shopa", ORDER)
    receipt = await shop.pushed("shopa", close("3300"))
    waiting = await shop.sent("order.cancel-channel-order")
    await shop.place("3300", "O-1")

    assert (receipt["status"], waiting) == ("parked", [])
    [cancel] = [e.payload for e in await shop.sent("order.cancel-channel-order")]
    assert cancel["order_id"] == "O-1"


async def test_a_cancellation_refused_because_the_goods_left_refunds_every_line_as_a_case(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    await shop.pushed("shopa", close("3300"))
    not_cancelled = ch.ChannelOrderNotCancelled(order_id="O-1", channel="shopa", external_order_id="3300",
                                                status="shipped", reason="its goods left", at=shop.clock.now())
    await shop.feed(not_cancelled)
    await shop.feed(not_cancelled)

    [case] = await _cases(shop)
    assert (case["order_id"], case["external_refund_id"], case["channel_refund_amount"]) == (
        "O-1", "cancel-3300", 23_000)
    assert case["lines"] == [{"line_id": "O-1-L1", "quantity": 2}, {"line_id": "O-1-L2", "quantity": 1}]
    assert case["reason"] == "cancelled by the channel after its goods left (shipped)"


async def test_a_cancellation_of_an_order_in_review_cancels_it_there(shop):
    await shop.pushed("shopa", paid("3400", ("340001", "TB-404", 1, "10.00", "10.00")))
    receipt = await shop.pushed("shopa", close("3400"))
    [record] = await shop.ledger("shopa")
    retried = await shop.http.post(f"/channels/shopa/review/{record['id']}/retry", headers=STAFF)

    assert (receipt["status"], receipt["detail"]) == ("done", "cancelled in review (never placed)")
    [record] = await shop.ledger("shopa")
    assert (record["status"], record["credit_amount"]) == ("cancelled", 0)
    assert await shop.sent() == [] and await shop.credit_used("shopa") == 0
    assert (await shop.get("/channels/shopa/review"))["orders"] == []
    assert retried.status_code == 409


async def test_an_address_change_of_a_placed_order_waits_for_staff(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    body = {"event": "TradeLogisticsAddressChanged", "tid": "3300", "receiver_name": "Han Meimei",
            "receiver_mobile": "13900139000", "receiver_address": "Zhejiang Hangzhou 3 West Lake Rd"}
    receipt = await shop.pushed("shopa", body)
    repeat = await shop.pushed("shopa", body)

    assert (receipt["kind"], receipt["status"], repeat["duplicate"]) == ("address_change", "review", True)
    [change] = (await shop.get("/channels/shopa/review"))["changes"]
    assert (change["kind"], change["external_order_id"]) == ("address_change", "3300")


async def test_a_refund_waiting_for_an_order_cancelled_in_review_is_settled_with_it(shop):
    await shop.pushed("shopa", paid("3400", ("340001", "TB-404", 1, "10.00", "10.00")))
    waiting = await shop.pushed("shopa", refund("RF4", "3400", ("340001", 1)))
    await shop.pushed("shopa", close("3400"))

    changes = {c["kind"]: (c["status"], c["detail"]) for c in (await shop.get("/channels/shopa/changes"))["items"]}
    assert waiting["status"] == "parked"
    assert changes == {"refund": ("done", "nothing fulfilled to take back: the order is cancelled"),
                       "cancellation": ("done", "cancelled in review (never placed)")}


async def test_a_refund_waiting_for_the_payment_of_an_order_then_cancelled_is_settled_with_it(shop):
    await shop.pushed("shopa", ORDER)
    received = await shop.place("3300", "O-1", paid=False)
    await shop.pushed("shopa", refund("RF5", "3300", ("330001", 1)))
    await shop.feed(facts(received, "O-1", "cancelled", 1))

    [change] = (await shop.get("/channels/shopa/changes"))["items"]
    assert (change["status"], change["detail"]) == ("done", "nothing fulfilled to take back: the order is cancelled")
    assert await _cases(shop) == []


async def test_a_cancellation_after_the_goods_left_refunds_only_what_earlier_refunds_did_not(shop):
    await shop.pushed("shopa", ORDER)
    await shop.place("3300", "O-1")
    await shop.pushed("shopa", refund("RF1", "3300", ("330001", 1), fee="90.00"))
    await shop.pushed("shopa", close("3300"))
    await shop.feed(ch.ChannelOrderNotCancelled(order_id="O-1", channel="shopa", external_order_id="3300",
                                                status="shipped", reason="goods-left", at=shop.clock.now()))

    first, rest = await _cases(shop)
    assert first["lines"] == [{"line_id": "O-1-L1", "quantity": 1}]
    assert rest["lines"] == [{"line_id": "O-1-L1", "quantity": 1}, {"line_id": "O-1-L2", "quantity": 1}]
    assert rest["channel_refund_amount"] == 9_000 + 5_000  # the other half of line 1's 180.00, and line 2
    changes = {c["kind"]: c for c in (await shop.get("/channels/shopa/changes"))["items"]}
    assert changes["cancellation"]["status"] == "done" and "goods left" in changes["cancellation"]["detail"]


async def test_a_cancellation_the_order_carried_out_is_done(shop):
    await shop.pushed("shopa", ORDER)
    received = await shop.place("3300", "O-1")
    await shop.pushed("shopa", close("3300"))
    await shop.feed(facts(received, "O-1", "cancelled", 5))

    [change] = (await shop.get("/channels/shopa/changes"))["items"]
    assert (change["kind"], change["status"], change["detail"]) == ("cancellation", "done", "the order was cancelled")


async def test_an_order_the_channel_says_is_closed_is_not_fulfilled(shop):
    receipt = await shop.pushed("shopa", paid("3500", ("350001", "TB-1", 1, "100.00", "100.00")) | {
        "status": "TRADE_CLOSED"})

    assert (receipt["status"], receipt["reason"]) == ("review", "channel-status")
    assert await shop.sent("channel.order-received") == []
