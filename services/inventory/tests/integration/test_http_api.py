"""The staff HTTP API over ASGI against a migrated database (the lifespan, which connects to
Kafka, is not run: these routes only need the database)."""

import httpx
import pytest

from tradeflow_contracts.inventory import LineToReserve, ReserveStock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

PROBLEMS = "https://tradeflow.example/problems/"


def bearer(*roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TokenCodec(DEV_JWT_SECRET).mint('someone-1', roles)}"}


STAFF, SYSTEM, BUYER = bearer("staff"), bearer("system"), bearer("buyer")
NOTHING_INCOMING = {"incoming": 0, "reserved_incoming": 0, "available_incoming": 0}
ROW_WITHOUT_INCOMING = {**NOTHING_INCOMING, "incoming_eta": None}




async def put_stock(client, sku: str, warehouse: str, on_hand, headers=STAFF) -> httpx.Response:
    return await client.put(f"/inventory/stock/{sku}/{warehouse}", json={"on_hand": on_hand}, headers=headers)


async def test_refuses_callers_without_a_token(client):
    response = await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "unauthenticated"


async def test_refuses_buyers_and_lets_the_system_read_but_not_write(client):
    assert (await client.get("/inventory/stock/a", headers=BUYER)).status_code == 403
    assert (await put_stock(client, "a", "east-1", 1, headers=BUYER)).json()["type"] == PROBLEMS + "forbidden"
    assert (await client.get("/inventory/stock/a", headers=SYSTEM)).status_code == 200
    assert (await put_stock(client, "a", "east-1", 1, headers=SYSTEM)).status_code == 403


async def test_staff_define_warehouses_count_stock_and_read_it_per_sku(client):
    for code, region in (("east-1", "east"), ("west-1", "west")):
        response = await client.put(f"/inventory/warehouses/{code}", json={"region": region, "priority": 1},
                                    headers=STAFF)
        assert response.json() == {"code": code, "region": region, "priority": 1}
    assert (await put_stock(client, "a", "east-1", 5)).json() == {
        "sku": "a", "warehouse": "east-1", "on_hand": 5, "reserved": 0, "available": 5, **ROW_WITHOUT_INCOMING}
    await put_stock(client, "a", "west-1", 2)
    await put_stock(client, "a", "west-1", 3)  # a new count replaces the old one
    assert (await client.get("/inventory/stock/a", headers=STAFF)).json() == {
        "sku": "a", "on_hand": 8, "reserved": 0, "available": 8, **NOTHING_INCOMING,
        "warehouses": [{"warehouse": "east-1", "on_hand": 5, "reserved": 0, "available": 5, **ROW_WITHOUT_INCOMING},
                       {"warehouse": "west-1", "on_hand": 3, "reserved": 0, "available": 3, **ROW_WITHOUT_INCOMING}]}


async def test_an_unknown_sku_has_no_stock(client):
    assert (await client.get("/inventory/stock/nothing", headers=STAFF)).json() == {
        "sku": "nothing", "warehouses": [], "on_hand": 0, "reserved": 0, "available": 0, **NOTHING_INCOMING}


async def test_counting_stock_in_an_unknown_warehouse_is_a_404(client):
    response = await put_stock(client, "a", "nowhere", 5)
    assert response.status_code == 404 and response.json()["type"] == PROBLEMS + "warehouse-not-found"


async def test_on_hand_below_reserved_is_a_409_and_reservations_are_listed(app, client, clock):
    await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1}, headers=STAFF)
    await put_stock(client, "a", "east-1", 5)
    command = ReserveStock(order_id="o-1", sub_order_id="s-1", region="east",
                           lines=[LineToReserve(line_id="l1", sku="a", quantity=3)])
    async with app.state.api.transactions.begin() as tx:
        await reserve_stock(tx, command, clock)

    response = await put_stock(client, "a", "east-1", 2)
    assert response.status_code == 409 and response.json()["type"] == PROBLEMS + "stock-below-reserved"
    assert (await put_stock(client, "a", "east-1", 3)).json()["available"] == 0

    listed = (await client.get("/inventory/reservations", params={"order_id": "o-1"}, headers=STAFF)).json()
    assert listed["next_cursor"] is None
    assert [(r["sub_order_id"], r["line_id"], r["warehouse"], r["quantity"], r["state"]) for r in listed["items"]] \
        == [("s-1", "l1", "east-1", 3, "active")]


@pytest.mark.parametrize("body", [{"on_hand": -1}, {"on_hand": "five"}, {"on_hand": 2.5}, {}])
async def test_a_bad_stock_count_is_a_422_naming_the_field(client, body):
    response = await client.put("/inventory/stock/a/east-1", json=body, headers=STAFF)
    assert response.status_code == 422 and response.json()["type"] == PROBLEMS + "validation-failed"
    assert [e["field"] for e in response.json()["errors"]] == ["on_hand"]


async def test_a_bad_warehouse_or_query_is_a_422(client):
    response = await client.put("/inventory/warehouses/w", json={"region": "", "priority": -1}, headers=STAFF)
    assert sorted(e["field"] for e in response.json()["errors"]) == ["priority", "region"]
    assert (await client.get("/inventory/reservations", headers=STAFF)).status_code == 422

