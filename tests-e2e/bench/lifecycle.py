"""The full-lifecycle mode of the place-and-pay bench (`--lifecycle`): orders/s to `completed`.

The WMS and TMS simulators are switched to auto mode (every dispatch and waybill moves one step
per `step_seconds`, their signed webhooks come back through the gateway). Each buyer places and
pays as in place-and-pay, follows the order (GET /orders/{id}/events) until it has shipped, then
watches its parcels (GET /orders/{id}, every `POLL_SECONDS`, with a deadline) and confirms receipt
once every one is signed (POST /orders/{id}/confirm-receipt — 409 until then, so a read-model lag
is asked again). Done when the order is `completed`; latency is from POST /orders to that answer.
The merge window holds each shipment before dispatch: run it with a short
FULFILLMENT_MERGE_WINDOW_SECONDS (`make bench-lifecycle` sets 1).
"""

import asyncio
import time
from datetime import datetime

import httpx
from platform_client import Platform, auth, line, order_body

from tradeflow_testing.polling import poll_within

POLL_SECONDS = 0.25  # a buyer's app refreshing the tracking page
TIMEOUT_SECONDS = 180.0


async def auto_advance(wms_url: str, tms_url: str, step_seconds: float) -> None:
    """Both simulators in auto mode (`POST /sim/mode`); raises if either refuses."""
    async with httpx.AsyncClient(timeout=10) as http:
        for url in (wms_url, tms_url):
            r = await http.post(f"{url.rstrip('/')}/sim/mode", json={"auto": True, "step_seconds": step_seconds})
            r.raise_for_status()


async def one_order(platform: Platform, skus: tuple[str, str], index: int) -> tuple[float, float]:
    """(client seconds from POST /orders to completed, server seconds from placed to completed)."""
    buyer = f"bench-lifecycle-{index}"
    started, deadline = time.perf_counter(), time.monotonic() + TIMEOUT_SECONDS
    placed = await platform.place(buyer, order_body([line(sku) for sku in skus]))
    placed.raise_for_status()
    order_id = placed.json()["id"]
    following = asyncio.create_task(platform.follow_order(
        buyer, order_id, lambda e: e["data"]["status"] in ("shipped", "completed", "cancelled", "closed"),
        timeout=TIMEOUT_SECONDS))
    try:
        payment = await platform.start_payment(buyer, order_id)
        await platform.psp_decides(payment["psp_reference"], "succeed")
        events = await following
    finally:
        following.cancel()  # an order that failed to pay leaves no stream behind
    if (status := events[-1]["data"]["status"]) not in ("shipped", "completed"):
        raise RuntimeError(f"order {order_id} ended {status} ({events[-1]['data']['event']})")
    completed = await _confirm_when_signed(platform.http, buyer, order_id, deadline)
    seen = time.perf_counter() - started
    done_at = datetime.fromisoformat(completed["history"][-1]["at"])
    return seen, (done_at - datetime.fromisoformat(placed.json()["created_at"])).total_seconds()


async def _confirm_when_signed(http: httpx.AsyncClient, buyer: str, order_id: str, deadline: float) -> dict:
    """The completed order, confirmed by its buyer once every parcel is signed for (polled with
    the project's deadline poller, at the buyer's pace)."""
    headers = auth(buyer, "buyer")

    async def completed() -> dict | None:
        order = (await http.get(f"/orders/{order_id}", headers=headers)).raise_for_status().json()
        if order["status"] == "completed":
            return order
        if order["shipments"] and all(s["status"] == "signed" for s in order["shipments"]):
            r = await http.post(f"/orders/{order_id}/confirm-receipt", headers=headers)
            if r.status_code == 200:
                return r.json()
            if r.status_code != 409:
                raise RuntimeError(f"confirm-receipt of {order_id}: {r.status_code} {r.text}")
        return None

    done, order = await poll_within(completed, lambda o: o is not None, max(0.0, deadline - time.monotonic()),
                                    pause=POLL_SECONDS, max_pause=POLL_SECONDS)
    if not done:
        raise TimeoutError(f"order {order_id} not completed within {TIMEOUT_SECONDS:g}s")
    return order
