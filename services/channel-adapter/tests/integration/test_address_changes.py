"""A channel's address change, by its order's place in the ledger: parked until the order is
placed, then waiting for staff (a parcel may be on its way); an order in review takes the new
receiver at once and is placed with it; staff approve (fulfillment is asked to re-review the
order's shipments: `ChangeReceiver`) or reject; fulfillment's answer (`ReceiverChangeSettled`,
through the real broker too) makes the change done or refused with what each shipment did."""

from datetime import UTC, datetime

import pytest

from tradeflow_channel_adapter.adapters.tables import outbox
from tradeflow_contracts.fulfillment import ReceiverChangeSettled, ReceiverOutcome
from tradeflow_contracts.orders import Receiver
from tradeflow_testing.access import bearer
from tradeflow_testing.polling import poll_until

from .channel_adapter_world import PUSH, STAFF, facts, paid

ORDER = paid("3600", ("360001", "TB-1", 1, "100.00", "100.00"), address="Zhejiang Hangzhou 2 West Lake Rd")
MOVED = {"event": "TradeLogisticsAddressChanged", "tid": "3600", "receiver_name": "Han Meimei",
         "receiver_mobile": "13900139000", "receiver_address": "Jiangsu Suzhou 9 Canal St"}
NEW_RECEIVER = {"name": "Han Meimei", "phone": "13900139000", "region": "Jiangsu", "city": "Suzhou",
                "address": "9 Canal St"}


@pytest.fixture
async def shop(world):
    return await world.selling("shopa", PUSH, ("TB-1", "BOOK-1", 10_000, "physical"))


async def _in_review(shop) -> dict:
    """ORDER placed as O-1 and its address changed: the change waiting for staff."""
    await shop.pushed("shopa", ORDER)
    await shop.place("3600", "O-1")
    return await shop.pushed("shopa", MOVED)


async def _act(shop, change_id: str, action: str, body: dict | None = None, headers: dict = STAFF):
    return await shop.http.post(f"/channels/shopa/changes/{change_id}/{action}", json=body, headers=headers)


async def _change(shop) -> dict:
    [change] = (await shop.get("/channels/shopa/changes"))["items"]
    return change


def _settled(change_id: str, changed: bool, *outcomes: tuple[str, bool, str]) -> ReceiverChangeSettled:
    return ReceiverChangeSettled(change_id=change_id, order_id="O-1", receiver=Receiver(**NEW_RECEIVER),
                                 changed=changed, settled_at=datetime.now(UTC), outcomes=[
                                     ReceiverOutcome(shipment_id=s, changed=c, detail=d) for s, c, d in outcomes])


async def test_a_change_before_its_order_is_placed_waits_then_goes_to_staff(shop):
    early = await shop.pushed("shopa", MOVED)
    await shop.pushed("shopa", ORDER)
    accepted = await _change(shop)
    await shop.place("3600", "O-1")

    assert (early["kind"], early["status"], early["detail"]) == ("address_change", "parked", "waiting for its order")
    assert accepted["status"] == "parked"
    change = await _change(shop)
    assert (change["status"], change["detail"]) == (
        "review", "the order is placed: staff re-review the change (a parcel may be on its way)")
    assert [c["id"] for c in (await shop.get("/channels/shopa/review"))["changes"]] == [early["id"]]
    assert await shop.sent("fulfillment.change-receiver") == []


async def test_an_order_in_review_takes_the_new_receiver_and_a_retry_places_it_there(shop):
    await shop.pushed("shopa", paid("3600", ("360001", "TB-404", 1, "100.00", "100.00"),
                                    address="Zhejiang Hangzhou 2 West Lake Rd"))
    receipt = await shop.pushed("shopa", MOVED)
    await shop.map("shopa", "TB-404", "BOOK-1")
    [record] = await shop.ledger("shopa")
    retried = await shop.http.post(f"/channels/shopa/review/{record['id']}/retry", headers=STAFF)

    assert (receipt["status"], receipt["detail"]) == (
        "done", "the order in review (never placed) takes the new receiver")
    assert (retried.status_code, retried.json()["status"]) == (200, "accepted")
    [received] = await shop.received()
    assert received["receiver"] == NEW_RECEIVER


async def test_a_change_of_an_order_cancelled_changes_nothing(shop):
    await _in_review(shop)
    [received] = await shop.received()
    await shop.feed(facts(received, "O-1", "cancelled", 1, kind="physical"))
    later = await shop.pushed("shopa", MOVED | {"receiver_address": "Jiangsu Nanjing 1 Lake Rd"})

    waited = [c for c in (await shop.get("/channels/shopa/changes"))["items"] if c["id"] != later["id"]]
    assert [(c["status"], c["detail"]) for c in waited] == [("done", "nothing to change: the order was cancelled")]
    assert (later["status"], later["detail"]) == ("done", "nothing to change: the order is cancelled")
    assert (await shop.get("/channels/shopa/review"))["changes"] == []


async def test_staff_approve_and_fulfillment_is_asked_to_send_the_goods_to_the_new_receiver(shop):
    change = await _in_review(shop)
    r = await _act(shop, change["id"], "approve", {"reason": "the buyer moved"})

    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["detail"]) == (
        "sent", "approved by staff:staff-1: fulfillment re-reviews the order's shipments")
    [ask] = await shop.sent("fulfillment.change-receiver")
    assert ask.payload | {"requested_at": None} == {
        "change_id": change["id"], "order_id": "O-1", "receiver": NEW_RECEIVER, "reason": "the buyer moved",
        "requested_by": "staff:staff-1", "requested_at": None}
    [row] = await shop.rows(outbox, outbox.c.type == "fulfillment.change-receiver")
    assert (row["key"], row["topic"]) == ("O-1", "fulfillment.commands")
    assert (await _change(shop))["status"] == "sent"
    assert (await shop.get("/channels/shopa/review"))["changes"] == []


async def test_an_approval_without_a_body_gives_the_channels_reason(shop):
    change = await _in_review(shop)
    r = await shop.http.post(f"/channels/shopa/changes/{change['id']}/approve", headers=STAFF)

    assert r.status_code == 200, r.text
    [ask] = await shop.sent("fulfillment.change-receiver")
    assert ask.payload["reason"] == "the channel changed the address"


async def test_staff_reject_a_change_with_their_reason(shop):
    change = await _in_review(shop)
    r = await _act(shop, change["id"], "reject", {"reason": "the parcel is already with the buyer"})

    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["detail"]) == (
        "refused", "rejected by staff:staff-1: the parcel is already with the buyer")
    assert await shop.sent("fulfillment.change-receiver") == []
    [shown] = (await shop.get("/channels/shopa/review"))["changes"]
    assert (shown["id"], shown["status"]) == (change["id"], "refused")


async def test_fulfillment_changing_every_shipment_makes_the_change_done_and_a_repeat_changes_nothing(shop):
    change = await _in_review(shop)
    await _act(shop, change["id"], "approve", {"reason": "moved"})
    await shop.feed(_settled(change["id"], True, ("sh_1", True, "changed"),
                             ("sh_2", True, "changed after interception")))
    await shop.feed(_settled(change["id"], False, ("sh_1", False, "on its way")))

    shown = await _change(shop)
    assert (shown["status"], shown["detail"]) == (
        "done", "sent to the new receiver: sh_1 changed; sh_2 changed after interception")


async def test_a_shipment_on_its_way_makes_the_change_refused_naming_it(shop):
    change = await _in_review(shop)
    await _act(shop, change["id"], "approve", {"reason": "moved"})
    await shop.feed(_settled(change["id"], False, ("sh_1", False, "on its way")))

    shown = await _change(shop)
    assert (shown["status"], shown["detail"]) == ("refused", "sh_1 on its way")


async def test_fulfillments_answer_comes_through_the_broker(shop, fulfillment_events):
    change = await _in_review(shop)
    await _act(shop, change["id"], "approve", {"reason": "moved"})
    await fulfillment_events.send(_settled("cn_of_someone_else", True), key="O-9")  # not ours: ignored
    await fulfillment_events.send(_settled(change["id"], True, ("sh_1", True, "changed")), key="O-1")

    done = await poll_until(lambda: _change(shop), lambda c: c["status"] == "done", 30, "the change done")
    assert done["detail"] == "sent to the new receiver: sh_1 changed"
    assert fulfillment_events.letters == []


async def test_staff_act_only_on_an_address_change_waiting_in_review(shop):
    change = await _in_review(shop)
    await shop.pushed("shopa", {"event": "RefundSuccess", "refund_id": "RF1", "tid": "3600", "refund_fee": "10.00",
                                "reason": "broken", "items": [{"oid": "360001", "num": 1}]})
    refund = next(c for c in (await shop.get("/channels/shopa/changes"))["items"] if c["kind"] == "refund")
    unknown = await _act(shop, "cn_nope", "approve")
    elsewhere = await shop.http.post(f"/channels/shopb/changes/{change['id']}/reject", json={"reason": "x"},
                                     headers=STAFF)
    not_address = await _act(shop, refund["id"], "approve")
    first = await _act(shop, change["id"], "approve")
    again = await _act(shop, change["id"], "reject", {"reason": "too late"})

    assert (unknown.status_code, elsewhere.status_code, first.status_code) == (404, 404, 200)
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["type"].endswith("/channel-change-not-found")
    assert (not_address.status_code, again.status_code) == (409, 409)
    assert again.json()["type"].endswith("/change-not-in-review")
    assert not_address.json()["detail"] == (f"change {refund['id']} (refund) is sent: staff approve or reject only "
                                            "an address change waiting in review")
    assert again.json()["detail"].startswith(f"change {change['id']} (address change) is sent")
    assert len(await shop.sent("fulfillment.change-receiver")) == 1


async def test_only_staff_act_on_changes_and_a_rejection_needs_a_reason(shop):
    change = await _in_review(shop)
    as_system = await _act(shop, change["id"], "approve", headers=bearer("sys", "system"))
    anonymous = await shop.http.post(f"/channels/shopa/changes/{change['id']}/approve")
    no_reason = await _act(shop, change["id"], "reject", {})

    assert (as_system.status_code, anonymous.status_code, no_reason.status_code) == (403, 401, 422)
    assert (await _change(shop))["status"] == "review"

