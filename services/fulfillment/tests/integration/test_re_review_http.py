"""Re-review over HTTP: a shipment not dispatched yet gets its new receiver and the carrier for its
region at once (200, replayed with its Idempotency-Key); refusals as problem+json (on its way,
unknown, not staff, a receiver missing a field)."""

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.domain.transitions import ShipmentEvent
from tradeflow_testing.access import bearer, outcome

from .conftest import goods, order_paid

STAFF = bearer("staff-1", "staff")
WEST = {"name": "Li Lei", "phone": "13800001111", "region": "west", "city": "Chengdu", "address": "9 Jinli St"}


@pytest.fixture
async def planned(transactions, collaborators, client) -> str:
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-1", ("m-1", [goods("a")])), collaborators)
    [shipment] = (await client.get("/fulfillment/shipments?order_id=o-1", headers=STAFF)).json()["items"]
    assert (shipment["status"], shipment["carrier"]) == ("ready", "SF")  # WH-1 east → SF
    return shipment["id"]


async def re_review(client, shipment_id: str, body: dict, headers=STAFF):
    return await client.post(f"/fulfillment/shipments/{shipment_id}/re-review", json=body, headers=headers)


async def test_before_dispatch_it_changes_at_once_once_per_key(client, planned):
    headers = STAFF | {"Idempotency-Key": "k-1"}
    first = await re_review(client, planned, {"receiver": WEST, "reason": "moved"}, headers)
    again = await re_review(client, planned, {"receiver": WEST, "reason": "moved"}, headers)
    assert (first.status_code, first.json()["status"], first.json()["carrier"]) == (200, "ready", "YTO")
    assert [e["event"] for e in first.json()["events"]][-2:] == ["re_review", "re_review"]
    assert (again.json(), again.headers["Idempotent-Replayed"]) == (first.json(), "true")


async def test_on_its_way_it_is_refused(client, planned, transactions, clock):
    async with transactions.begin() as tx:
        s = await tx.shipments.get(planned, lock=True)
        s.dispatch(s.next_dispatch_number, "SF", "WB-1", clock.at)
        s.report(ShipmentEvent.SHIPPED, clock.at, "wms")
        await tx.shipments.save(s)
    assert outcome(await re_review(client, planned, {"receiver": WEST, "reason": "moved"})) == (
        409, "re-review-refused")


async def test_refusals(client, planned):
    assert outcome(await re_review(client, "shp-nope", {"receiver": WEST, "reason": "x"})) == (
        404, "shipment-not-found")
    assert (await re_review(client, planned, {"receiver": WEST, "reason": "x"},
                            bearer("b-1", "buyer"))).status_code == 403
    missing = await re_review(client, planned, {"receiver": {k: v for k, v in WEST.items() if k != "city"},
                                                "reason": "x"})
    assert missing.status_code == 422 and "receiver.city" in missing.text
