"""The fulfillment reads as API.md shapes them: shipments with lines and history, filters and
cursor paging, a merchant's narrowed view of a shared shipment, and entitlements."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_testing.access import bearer, outcome

from .conftest import course, goods, order_paid

STAFF = bearer("staff-1", "staff")


@pytest.fixture
async def planned(transactions, collaborators, clock):
    """o-1: m-1's and m-2's goods in WH-1 (one shipment) and a course; o-2, a minute later: a
    fragile line in WH-1 and goods in WH-2 (two more shipments)."""
    async def plan(message):
        async with transactions.begin() as tx:
            await plan_fulfillment(tx, message, collaborators)
    await plan(order_paid("o-1", ("m-1", [goods("a", 2), course("v")]), ("m-2", [goods("b")])))
    clock.at += timedelta(minutes=1)
    await plan(order_paid("o-2", ("m-1", [goods("c", fragile=True), goods("d", warehouses=[("WH-2", None)])])))


async def items(client, query: str = "", headers=STAFF) -> list[dict]:
    response = await client.get(f"/fulfillment/shipments{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_shipment_shows_its_warehouse_carrier_lines_and_history(client, planned, clock):
    [shipment] = await items(client, "?order_id=o-1")
    assert {k: shipment[k] for k in ("order_id", "order_ids", "sub_order_ids", "warehouse", "carrier",
                                     "dispatch_number", "waybill", "status", "flags")} == {
        "order_id": "o-1", "order_ids": ["o-1"], "sub_order_ids": ["o-1-m-1", "o-1-m-2"], "warehouse": "WH-1",
        "carrier": "SF", "dispatch_number": None, "waybill": None, "status": "ready", "flags": []}
    assert shipment["lines"] == [
        {"line_id": "a", "order_id": "o-1", "sub_order_id": "o-1-m-1", "sku": "SKU-a", "quantity": 2},
        {"line_id": "b", "order_id": "o-1", "sub_order_id": "o-1-m-2", "sku": "SKU-b", "quantity": 1}]
    planned_at = (clock.at - timedelta(minutes=1)).isoformat()
    assert shipment["events"] == [{"at": planned_at, "status": "ready", "event": "plan", "source": "fulfillment",
                                   "applied": True, "detail": "o-1"}]
    one = await client.get(f"/fulfillment/shipments/{shipment['id']}", headers=STAFF)
    assert one.json() == shipment


async def test_filters_by_order_status_and_warehouse_combine(client, planned):
    assert [s["order_id"] for s in await items(client)] == ["o-2", "o-2", "o-1"]
    assert [(s["warehouse"], s["flags"]) for s in await items(client, "?order_id=o-2&warehouse=WH-1")] == [
        ("WH-1", ["fragile"])]
    assert await items(client, "?status=pending_review") == []
    assert len(await items(client, "?status=ready&warehouse=WH-1")) == 2
    assert outcome(await client.get("/fulfillment/shipments?status=flying", headers=STAFF)) == (
        422, "validation-failed")


async def test_pages_follow_the_cursor_newest_first(client, planned):
    first = (await client.get("/fulfillment/shipments?limit=2", headers=STAFF)).json()
    rest = (await client.get(f"/fulfillment/shipments?limit=2&cursor={first['next_cursor']}", headers=STAFF)).json()
    everything = await items(client)
    assert [s["id"] for s in first["items"] + rest["items"]] == [s["id"] for s in everything]
    assert rest["next_cursor"] is None
    assert outcome(await client.get("/fulfillment/shipments?cursor=nonsense", headers=STAFF)) == (
        400, "invalid-cursor")


async def test_pages_of_one_walk_through_shipments_planned_at_the_same_instant(client, planned):
    seen, cursor = [], ""
    for _ in range(5):
        page = (await client.get(f"/fulfillment/shipments?limit=1{cursor}", headers=STAFF)).json()
        seen += [s["id"] for s in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == [s["id"] for s in await items(client)] and len(set(seen)) == 3


async def test_a_merchant_sees_only_its_own_lines_of_a_shared_shipment(client, planned):
    [shared] = await items(client, headers=bearer("m2-user", "merchant", merchant_id="m-2"))
    assert ([ln["line_id"] for ln in shared["lines"]], shared["sub_order_ids"]) == (["b"], ["o-1-m-2"])
    assert all("detail" not in e for e in shared["events"])
    m1 = await items(client, "?order_id=o-1", headers=bearer("m1-user", "merchant", merchant_id="m-1"))
    assert [ln["line_id"] for ln in m1[0]["lines"]] == ["a"]


async def test_an_unknown_shipment_is_a_404(client, planned):
    assert outcome(await client.get("/fulfillment/shipments/shp-nope", headers=STAFF)) == (404, "shipment-not-found")


async def test_the_buyer_reads_their_entitlements_with_what_when_and_from_which_line(client, planned, clock):
    response = await client.get("/entitlements", headers=bearer("buyer-1", "buyer"))
    [entitlement] = response.json()["items"]
    assert {k: v for k, v in entitlement.items() if k != "id"} == {
        "account": "buyer-1", "sku": "COURSE-1", "quantity": 1, "order_id": "o-1", "sub_order_id": "o-1-m-1",
        "line_id": "v", "status": "active", "granted_at": (clock.at - timedelta(minutes=1)).isoformat(),
        "revoked_at": None, "revoke_reason": None, "revoke_case_id": None}
    assert response.json()["next_cursor"] is None
    other = await client.get("/entitlements?account=buyer-1", headers=bearer("buyer-2", "buyer"))
    assert outcome(other) == (403, "forbidden")


async def test_entitlements_granted_at_once_page_one_by_one(client, transactions, collaborators):
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-3", ("m-1", [course("v1"), course("v2"), course("v3")])),
                               collaborators)
    seen, cursor = [], ""
    for _ in range(5):
        page = (await client.get(f"/entitlements?account=buyer-1&limit=1{cursor}", headers=STAFF)).json()
        seen += [e["line_id"] for e in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert sorted(seen) == ["v1", "v2", "v3"]
