"""Staff review over HTTP: approve and reject a shipment held for review — the shipment back,
announced once, Idempotency-Key honoured; refusals as problem+json (not in review, unknown,
not staff, no reason)."""

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_testing.access import bearer, outcome

from .conftest import goods, order_paid, published

STAFF = bearer("staff-1", "staff")


@pytest.fixture
async def held(transactions, collaborators, client) -> str:
    """o-1's shipment, worth more than the review threshold: pending_review."""
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-1", ("m-1", [goods("a", paid_amount=2_500_000)])), collaborators)
    [shipment] = (await client.get("/fulfillment/shipments?order_id=o-1", headers=STAFF)).json()["items"]
    assert shipment["status"] == "pending_review"
    return shipment["id"]


async def changes(sessions) -> list[tuple[str, str, str, str]]:
    return [(key, p["from_status"], p["to_status"], p["source"]) for _, key, kind, p in await published(sessions)
            if kind == "fulfillment.shipment-status-changed"]


async def test_approving_releases_it_once_per_idempotency_key(client, held, sessions):
    headers = STAFF | {"Idempotency-Key": "k-1"}
    first = await client.post(f"/fulfillment/shipments/{held}/approve", json={"note": "buyer confirmed"},
                              headers=headers)
    again = await client.post(f"/fulfillment/shipments/{held}/approve", json={"note": "buyer confirmed"},
                              headers=headers)
    assert (first.status_code, first.json()["status"], first.json()["events"][-1]["detail"]) == (
        200, "ready", "buyer confirmed")
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert await changes(sessions) == [("o-1", "pending_review", "ready", "staff:staff-1")]
    other = await client.post(f"/fulfillment/shipments/{held}/approve", json={"note": "else"}, headers=headers)
    assert outcome(other) == (409, "idempotency-key-reused")


async def test_approving_needs_no_body_and_a_shipment_in_review(client, held):
    assert (await client.post(f"/fulfillment/shipments/{held}/approve", headers=STAFF)).json()["status"] == "ready"
    assert outcome(await client.post(f"/fulfillment/shipments/{held}/approve", headers=STAFF)) == (
        409, "illegal-transition")


async def test_rejecting_cancels_it_with_the_reason(client, held, sessions):
    rejected = await client.post(f"/fulfillment/shipments/{held}/reject", json={"reason": "fraud suspected"},
                                 headers=STAFF)
    assert (rejected.json()["status"], rejected.json()["events"][-1]["detail"]) == (
        "cancelled", "rejected: fraud suspected")
    assert await changes(sessions) == [("o-1", "pending_review", "cancelled", "staff:staff-1")]
    again = await client.post(f"/fulfillment/shipments/{held}/reject", json={"reason": "twice"}, headers=STAFF)
    assert (outcome(again), again.headers["content-type"]) == ((409, "illegal-transition"),
                                                               "application/problem+json")


@pytest.mark.parametrize(("path", "body", "headers", "expected"), [
    ("shp-x/approve", {}, STAFF, (404, "shipment-not-found")),
    ("{held}/approve", {}, bearer("buyer-1", "buyer"), (403, "forbidden")),
    ("{held}/approve", {}, bearer("svc-1", "system"), (403, "forbidden")),
    ("{held}/reject", {"reason": "x"}, {}, (401, "unauthenticated")),
    ("{held}/reject", {}, STAFF, (422, "validation-failed")),
    ("{held}/approve", {"note": "x", "extra": 1}, STAFF, (422, "validation-failed")),
], ids=["unknown", "buyer", "system", "no token", "no reason", "unknown field"])
async def test_refusals_are_problems(client, held, path, body, headers, expected):
    response = await client.post(f"/fulfillment/shipments/{path.format(held=held)}", json=body, headers=headers)
    assert outcome(response) == expected
