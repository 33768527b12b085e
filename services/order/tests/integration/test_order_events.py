"""GET /orders/{id}/events on the real app and database, for settled orders (the in-process
transport answers once a stream ends; the live stream, woken by each change as it commits, is
tested end to end in tests-e2e/test_order_events.py)."""

from tradeflow_testing.access import CALLERS, bearer, expected, outcome
from tradeflow_testing.sse import parse_events

FOLLOW = expected({"buyer (owner)": (200, None), "merchant (in the order)": (200, None), "staff": (200, None),
                   "system": (200, None), "merchant without merchant_id": (403, "merchant-scope-missing")})


async def _cancelled(orders) -> dict:
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 1, 100), ("SKU-B", "m-2", 1, 200))
    r = await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": "changed my mind"},
                               headers=bearer("buyer-1", "buyer"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_settled_order_streams_its_current_state_and_ends(orders):
    order = await _cancelled(orders)
    r = await orders.http.get(f"/orders/{order['id']}/events", headers=bearer("buyer-1", "buyer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert (r.headers["cache-control"], r.headers["x-accel-buffering"]) == ("no-cache", "no")
    [event] = parse_events(r.text)
    assert (event["event"], event["id"]) == ("status", str(len(order["history"])))
    assert event["data"] == {"status": "cancelled", "payment_status": "unpaid", "event": "cancel",
                             "at": order["history"][-1]["at"]}


async def test_last_event_id_resumes_after_that_change(orders):
    order = await _cancelled(orders)
    history = order["history"]
    r = await orders.http.get(f"/orders/{order['id']}/events", headers=bearer("buyer-1", "buyer") | {
        "Last-Event-ID": "1"})
    events = parse_events(r.text)
    assert [(e["id"], e["data"]["event"], e["data"]["status"]) for e in events] == [
        (str(i), h["event"], h["to"]) for i, h in enumerate(history, start=1)][1:]
    assert [e["data"]["payment_status"] for e in events] == ["unpaid"] * (len(history) - 1)


async def test_who_may_follow_an_order(orders):
    seen = {}
    for name, headers in CALLERS.items():
        order = await _cancelled(orders)
        seen[name] = outcome(await orders.http.get(f"/orders/{order['id']}/events", headers=headers))
    assert seen == FOLLOW


async def test_an_unknown_order_or_a_bad_last_event_id_is_a_problem_before_any_stream(orders):
    assert outcome(await orders.http.get("/orders/ord-none/events", headers=bearer("staff-1", "staff"))) == (
        404, "order-not-found")
    order = await _cancelled(orders)
    for bad in ("x", "-1", "1.5", "1e3", " 2"):
        r = await orders.http.get(f"/orders/{order['id']}/events",
                                  headers=bearer("buyer-1", "buyer") | {"Last-Event-ID": bad})
        assert outcome(r) == (400, "invalid-last-event-id") and r.json()["errors"][0]["field"] == "Last-Event-ID"
