"""Follow an order without polling (issue 9): GET /orders/{id}/events through the gateway sends
the order's changes as they commit — in whichever replica made them — from its current state,
resumes after Last-Event-ID, and ends by itself once the order is settled."""

import asyncio

import httpx
from platform_client import auth, line, order_body


def paid(event: dict) -> bool:
    return event["data"]["payment_status"] == "paid"


async def test_a_buyer_follows_the_order_from_placing_to_paid(platform, skus):
    a, b = skus
    placed = await platform.place("buyer-sse-1", order_body([line(a), line(b)]))
    order_id = placed.json()["id"]
    following = asyncio.create_task(platform.follow_order("buyer-sse-1", order_id, paid))
    payment = await platform.start_payment("buyer-sse-1", order_id)
    await platform.psp_decides(payment["psp_reference"], "succeed")
    events = await following
    assert all(e["event"] == "status" for e in events)
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(set(ids)) and ids[0] >= 1, "positions rise, none repeated"
    assert (events[-1]["data"]["status"], events[-1]["data"]["event"]) == ("awaiting_shipment", "pay")
    order = await platform.order(order_id)
    history = order["history"]
    assert [e["data"]["event"] for e in events] == [h["event"] for h in history[ids[0] - 1:ids[-1]]]
    assert [e["data"]["at"] for e in events] == [h["at"] for h in history[ids[0] - 1:ids[-1]]]

    resumed = await platform.follow_order("buyer-sse-1", order_id, paid, last_event_id=events[0]["id"])
    assert resumed == events[1:], "a reconnect gets every change after the last one it saw"


async def test_the_stream_of_a_cancelled_order_ends_by_itself(platform, skus):
    a, _ = skus
    order_id = (await platform.place("buyer-sse-2", order_body([line(a)]))).json()["id"]
    following = asyncio.create_task(platform.follow_order("buyer-sse-2", order_id, lambda e: False))
    await platform.wait_step(order_id, "awaiting_payment")
    r = await platform.http.post(f"/orders/{order_id}/cancel", json={"reason": "changed my mind"},
                                 headers=auth("buyer-sse-2", "buyer"))
    assert r.status_code == 200, r.text
    events = await following  # `until` never holds: only the server's end of the stream returns
    assert events[-1]["data"] == events[-1]["data"] | {"status": "cancelled", "payment_status": "unpaid",
                                                       "event": "cancel"}


async def test_only_the_buyer_staff_and_its_merchants_may_follow(platform, skus, gateway_url):
    a, _ = skus
    order_id = (await platform.place("buyer-sse-3", order_body([line(a)]))).json()["id"]
    r = await platform.http.get(f"/orders/{order_id}/events", headers=auth("buyer-sse-other", "buyer"))
    assert (r.status_code, r.headers["content-type"]) == (403, "application/problem+json")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as http, http.stream(
            "GET", f"/orders/{order_id}/events", headers=platform.staff) as staff:
        assert staff.status_code == 200 and staff.headers["content-type"].startswith("text/event-stream")
        async for chunk in staff.aiter_text():
            assert "event: status" in chunk
            break
