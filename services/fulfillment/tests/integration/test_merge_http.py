"""Staff merge held shipments by hand over HTTP, on PostgreSQL (issue 11): two orders planned apart
(past the merge window) become one shipment — the orders told through ShipmentPlanned and
ShipmentStatusChanged, the merged one cancelled holding nothing, so a later stop finds the order's
units once; Idempotency-Key required and honoured; refusals as problem+json naming the shipment."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import OrderLineRef, StopFulfillment
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_testing.access import bearer, outcome

from .conftest import goods, order_paid, published

STAFF = bearer("staff-1", "staff")
APART = timedelta(minutes=15)  # longer than the test's merge window (600 s)


@pytest.fixture
async def plan(transactions, collaborators, clock, client):
    """Plan an order paid now, then move the clock past the merge window; its one shipment's id."""
    async def planned(order_id: str, *lines: dict, **receiver) -> str:
        async with transactions.begin() as tx:
            await plan_fulfillment(tx, order_paid(order_id, ("m-1", list(lines)), **receiver), collaborators)
        clock.at += APART
        [shipment] = (await client.get(f"/fulfillment/shipments?order_id={order_id}", headers=STAFF)).json()["items"]
        return shipment["id"]
    return planned


async def merge(client, target: str, *others: str, key: str | None = "k-1", headers=STAFF, **body):
    return await client.post(f"/fulfillment/shipments/{target}/merge", json={"shipments": list(others)} | body,
                             headers=headers | ({"Idempotency-Key": key} if key else {}))


async def test_two_orders_planned_apart_are_merged_into_one_shipment_once_per_key(client, plan, sessions, clock):
    target, other = await plan("o-1", goods("a")), await plan("o-2", goods("b", 2))
    first = await merge(client, target, other, note="one parcel, as the buyer asked")
    again = await merge(client, target, other, note="one parcel, as the buyer asked")
    merged = first.json()
    assert first.status_code == 200, first.text
    assert (again.json(), again.headers["Idempotent-Replayed"]) == (merged, "true")
    assert (merged["status"], merged["order_ids"], [(ln["line_id"], ln["quantity"]) for ln in merged["lines"]]) == (
        "ready", ["o-1", "o-2"], [("a", 1), ("b", 2)])
    assert merged["dispatch_after"] < clock.at.isoformat()  # due at once
    assert [(e["event"], e["source"], e["detail"]) for e in merged["events"]][-1] == (
        "merge", "staff:staff-1", f"o-2 from {other}: one parcel, as the buyer asked")
    gone = (await client.get(f"/fulfillment/shipments/{other}", headers=STAFF)).json()
    assert (gone["status"], gone["lines"], gone["events"][-1]["detail"]) == (
        "cancelled", [], f"merged into {target}: one parcel, as the buyer asked")
    told = [(key, kind.rsplit(".", 1)[1], p["shipment_id"], p.get("status") or p["to_status"])
            for _, key, kind, p in (await published(sessions))[2:]]
    assert told == [("o-2", "shipment-planned", target, "ready"),
                    ("o-2", "shipment-status-changed", other, "cancelled")]


async def test_after_the_merge_a_stop_of_the_order_finds_its_units_once(client, plan, sessions, transactions,
                                                                        collaborators):
    target, other = await plan("o-1", goods("a")), await plan("o-2", goods("b", 2))
    assert (await merge(client, target, other)).status_code == 200
    stop = StopFulfillment(order_id="o-2", reason="changed my mind", requested_by="buyer:buyer-1",
                           requested_at=collaborators.clock.now(),
                           lines=[OrderLineRef(line_id="b", sub_order_id="o-2-m-1", sku="SKU-b", quantity=2,
                                               kind="physical")])
    async with transactions.begin() as tx:
        await stop_fulfillment(tx, stop, collaborators)
    [answer] = [p for _, _, kind, p in await published(sessions) if kind == "fulfillment.fulfillment-stopped"]
    assert [(u["line_id"], u["quantity"], u["shipment_id"]) for u in answer["stopped"]] == [("b", 2, target)]
    still = (await client.get(f"/fulfillment/shipments/{target}", headers=STAFF)).json()
    assert (still["status"], still["order_ids"]) == ("ready", ["o-1"])  # the merged parcel goes on without o-2


async def test_held_shipments_in_review_merge_and_the_whole_stays_in_review(client, plan):
    target = await plan("o-1", goods("a", paid_amount=2_100_000))
    other = await plan("o-2", goods("b", paid_amount=2_100_000))
    merged = await merge(client, target, other)
    assert (merged.json()["status"], merged.json()["flags"]) == ("pending_review", ["high_value"])
    approved = await client.post(f"/fulfillment/shipments/{target}/approve", headers=STAFF)
    assert approved.json()["status"] == "ready"


async def test_a_refusal_names_the_rule_and_the_shipment_and_changes_nothing(client, plan, transactions, clock):
    target = await plan("o-1", goods("a"))
    elsewhere = await plan("o-2", goods("b"), address="9 Other Rd")
    fragile = await plan("o-3", goods("c", fragile=True))
    dispatched = await plan("o-4", goods("d"))
    async with transactions.begin() as tx:
        s = await tx.shipments.get(dispatched, lock=True)
        s.dispatch(s.next_dispatch_number, "SF", "WB-1", clock.at)
        await tx.shipments.save(s)
    for other, slug in ((elsewhere, "merge-other-receiver"), (fragile, "merge-fragile-apart"),
                        (dispatched, "merge-not-held")):
        refused = await merge(client, target, other, key=f"k-{other}")
        assert (outcome(refused), refused.json()["shipment_id"], refused.headers["content-type"]) == (
            (409, slug), other, "application/problem+json")
        assert other in refused.json()["detail"]
    assert outcome(await merge(client, target, target, key="k-self")) == (409, "merge-same-shipment")
    unchanged = (await client.get(f"/fulfillment/shipments/{target}", headers=STAFF)).json()
    assert (unchanged["order_ids"], unchanged["events"][-1]["event"]) == (["o-1"], "plan")


@pytest.mark.parametrize(("body", "key", "headers", "expected"), [
    ({"shipments": ["shp-x"]}, "k-1", STAFF, (404, "shipment-not-found")),
    ({"shipments": ["{other}"]}, None, STAFF, (400, "idempotency-key-required")),
    ({"shipments": ["{other}"]}, "k-1", bearer("buyer-1", "buyer"), (403, "forbidden")),
    ({"shipments": ["{other}"]}, "k-1", {}, (401, "unauthenticated")),
    ({"shipments": []}, "k-1", STAFF, (422, "validation-failed")),
    ({"shipments": ["{other}", "{other}"]}, "k-1", STAFF, (422, "validation-failed")),
    ({"shipments": ["{other}"], "extra": 1}, "k-1", STAFF, (422, "validation-failed")),
    ({}, "k-1", STAFF, (422, "validation-failed")),
], ids=["unknown", "no key", "buyer", "no token", "none named", "named twice", "unknown field", "no shipments"])
async def test_bad_requests_are_problems(client, plan, body, key, headers, expected):
    target, other = await plan("o-1", goods("a")), await plan("o-2", goods("b"))
    body = {k: [i.format(other=other) for i in v] if k == "shipments" else v for k, v in body.items()}
    response = await client.post(f"/fulfillment/shipments/{target}/merge", json=body,
                                 headers=headers | ({"Idempotency-Key": key} if key else {}))
    assert outcome(response) == expected
