"""Who may read what on the fulfillment API (API.md "Auth"), on the real app and database: every
route × every kind of caller, with the exact status and problem type. The resource: an order of
buyer-1 holding a sub-order of merchant m-1, whose goods ship in one shipment, and a course."""

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_testing.access import CALLERS, expected, outcome

from .conftest import course, goods, order_paid

OK, NO_MERCHANT = (200, None), (403, "merchant-scope-missing")
READ_ONE = expected({"buyer (owner)": OK, "merchant (in the order)": OK, "staff": OK, "system": OK,
                     "merchant without merchant_id": NO_MERCHANT})
LIST = expected({"buyer (owner)": (200, "mine"), "buyer (other)": (200, "none"),
                 "merchant (in the order)": (200, "mine"), "merchant (not in it)": (200, "none"),
                 "merchant without merchant_id": NO_MERCHANT, "merchant with the buyer's sub": (200, "none"),
                 "staff": (200, "mine"), "system": (200, "mine")})
ENTITLEMENTS_OF_BUYER_1 = expected({"buyer (owner)": (200, "mine"), "staff": (200, "mine"), "system": (200, "mine")})
OWN_ENTITLEMENTS = expected({"buyer (owner)": (200, "mine"), "buyer (other)": (200, "none"), "staff": (200, "mine"),
                             "system": (200, "mine")})


@pytest.fixture
async def shipment_id(transactions, collaborators, client) -> str:
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-1", ("m-1", [goods("a"), course("v")])), collaborators)
    response = await client.get("/fulfillment/shipments", headers=CALLERS["staff"])
    [shipment] = response.json()["items"]
    return shipment["id"]


async def listing(client, path: str, mine: str) -> dict:
    """Each caller's outcome; a 200 as "mine" when the page is exactly the resource, "none" when empty."""
    seen = {}
    for name, headers in CALLERS.items():
        response = await client.get(path, headers=headers)
        status, slug = outcome(response)
        if status == 200:
            ids = [item["id"] for item in response.json()["items"]]
            assert ids in ([mine], []), ids
            slug = "mine" if ids else "none"
        seen[name] = (status, slug)
    return seen


async def test_reading_a_shipment(client, shipment_id):
    seen = {name: outcome(await client.get(f"/fulfillment/shipments/{shipment_id}", headers=headers))
            for name, headers in CALLERS.items()}
    assert seen == READ_ONE


async def test_listing_shipments(client, shipment_id):
    assert await listing(client, "/fulfillment/shipments", shipment_id) == LIST


async def test_listing_an_accounts_entitlements(client, shipment_id, transactions):
    async with transactions.read() as tx:
        [entitlement] = await tx.entitlements.find(account="buyer-1", limit=5)
    assert await listing(client, "/entitlements?account=buyer-1", entitlement.id) == ENTITLEMENTS_OF_BUYER_1
    assert await listing(client, "/entitlements", entitlement.id) == OWN_ENTITLEMENTS
