"""The ops view `GET /fulfillment/shipments?stuck_for=`: shipments that entered their current
status more than that many seconds ago and are still going somewhere, with how long they have
been there; staff and system only."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_testing.access import bearer, outcome

from .conftest import goods, order_paid

STAFF = bearer("staff-1", "staff")


@pytest.fixture
async def shipments(transactions, collaborators, clock) -> dict[str, str]:
    """At 10:00 three buyers' orders are planned (ready): `waiting` stays ready, `held` goes back to
    review at 10:10, `cancelled` is cancelled at 10:00. The clock then reads 10:15."""
    planned_at = clock.at
    ids = {}
    for name in ("waiting", "held", "cancelled"):
        async with transactions.begin() as tx:
            await plan_fulfillment(tx, order_paid(f"o-{name}", ("m-1", [goods(name)]), buyer_id=f"b-{name}"),
                                   collaborators)
        async with transactions.read() as tx:
            [shipment] = await tx.shipments.find(order_id=f"o-{name}")
            ids[name] = shipment.id
    await _change(transactions, ids["cancelled"], lambda s: s.cancel("buyer asked", planned_at, "staff:s-1"))
    clock.at = planned_at + timedelta(minutes=10)
    await _change(transactions, ids["held"], lambda s: s.hold("became high value", clock.at, "fulfillment"))
    clock.at = planned_at + timedelta(minutes=15)
    return ids


async def _change(transactions, shipment_id: str, move) -> None:
    async with transactions.begin() as tx:
        shipment = await tx.shipments.get(shipment_id, lock=True)
        move(shipment)
        await tx.shipments.save(shipment)


async def stuck(client, query: str, headers=STAFF) -> list[dict]:
    response = await client.get(f"/fulfillment/shipments?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_lists_only_shipments_in_their_status_longer_than_the_threshold(client, shipments, clock):
    [item] = await stuck(client, "stuck_for=600")
    assert (item["id"], item["status"], item["stuck_for_seconds"]) == (shipments["waiting"], "ready", 900)
    assert item["in_status_since"] == (clock.at - timedelta(minutes=15)).isoformat()


async def test_a_shipment_back_in_review_counts_from_when_it_got_there(client, shipments, clock):
    found = {s["id"]: s for s in await stuck(client, "stuck_for=240")}
    assert set(found) == {shipments["waiting"], shipments["held"]}
    assert found[shipments["held"]]["in_status_since"] == (clock.at - timedelta(minutes=5)).isoformat()
    assert found[shipments["held"]]["stuck_for_seconds"] == 300
    assert [s["id"] for s in await stuck(client, "status=pending_review&stuck_for=240")] == [shipments["held"]]
    assert await stuck(client, "status=pending_review&stuck_for=301") == []


async def test_a_shipment_in_a_final_status_is_never_stuck(client, shipments):
    listed = [s["id"] for s in await stuck(client, "stuck_for=1")]
    assert shipments["cancelled"] not in listed and len(listed) == 2
    assert await stuck(client, "status=cancelled&stuck_for=1") == []
    assert shipments["cancelled"] in [s["id"] for s in await stuck(client, "status=cancelled")]


async def test_a_list_without_stuck_for_shows_no_time_in_status(client, shipments):
    items = await stuck(client, "status=ready")
    assert items and all("stuck_for_seconds" not in s and "in_status_since" not in s for s in items)


async def test_stuck_pages_follow_the_cursor(client, shipments):
    first = (await client.get("/fulfillment/shipments?stuck_for=1&limit=1", headers=STAFF)).json()
    rest = (await client.get(f"/fulfillment/shipments?stuck_for=1&limit=1&cursor={first['next_cursor']}",
                             headers=STAFF)).json()
    assert [s["id"] for s in first["items"] + rest["items"]] == [s["id"] for s in await stuck(client, "stuck_for=1")]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize("caller", [bearer("b-waiting", "buyer"), bearer("m-1", "merchant", merchant_id="m-1")])
async def test_only_staff_and_system_see_stuck_shipments(client, shipments, caller):
    assert outcome(await client.get("/fulfillment/shipments?stuck_for=60", headers=caller)) == (403, "forbidden")
    assert len(await stuck(client, "stuck_for=60", headers=bearer("ops", "system"))) == 2


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "soon", "129098051666118432"])  # the last: found by fuzz, a 500
async def test_a_stuck_for_that_is_not_a_whole_number_of_seconds_is_refused(client, shipments, value):
    response = await client.get(f"/fulfillment/shipments?stuck_for={value}", headers=STAFF)
    assert outcome(response) == (422, "validation-failed")
    assert [e["field"] for e in response.json()["errors"]] == ["stuck_for"]
