"""Incoming stock and receipts of goods over the staff HTTP API, on the real app and database."""

import json

import httpx
import pytest
from sqlalchemy import select

from tradeflow_contracts.inventory import LineToReserve, ReserveStock
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_testing.access import PROBLEMS, bearer

STAFF = bearer("staff-1", "staff")
RECEIPTS = "/inventory/stock/a/east-1/receipts"


@pytest.fixture
async def client(client):
    """The app's client with warehouse east-1 defined."""
    assert (await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1},
                             headers=STAFF)).status_code == 200
    return client


async def put(client, body: dict, path: str = "/inventory/stock/a/east-1") -> httpx.Response:
    return await client.put(path, json=body, headers=STAFF)


async def pre_sale(app, clock, sub_order_id: str, quantity: int) -> None:
    command = ReserveStock(order_id=f"o-{sub_order_id}", sub_order_id=sub_order_id, region="east", pre_sale=True,
                           lines=[LineToReserve(line_id="l1", sku="a", quantity=quantity)])
    async with app.state.api.transactions.begin() as tx:
        await reserve_stock(tx, command, clock)


def refused(response: httpx.Response, field: str) -> bool:
    return response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == [field]


async def test_staff_set_incoming_stock_and_its_eta_beside_the_count(client):
    body = {"on_hand": 2, "incoming": 10, "incoming_eta": "2026-12-20T09:00:00+08:00"}
    assert (await put(client, body)).json() == {
        "sku": "a", "warehouse": "east-1", "on_hand": 2, "reserved": 0, "available": 2, "incoming": 10,
        "reserved_incoming": 0, "available_incoming": 10, "incoming_eta": "2026-12-20T01:00:00Z"}
    assert (await put(client, {"on_hand": 3})).json()["incoming"] == 10  # a count leaves incoming as it is
    assert (await put(client, {"on_hand": 3, "incoming_eta": None})).json()["incoming_eta"] is None
    stock = (await client.get("/inventory/stock/a", headers=STAFF)).json()
    assert (stock["on_hand"], stock["incoming"], stock["reserved_incoming"], stock["available_incoming"]) \
        == (3, 10, 0, 10)


async def test_incoming_below_what_pre_sales_reserved_is_a_409(app, client, clock):
    await put(client, {"on_hand": 0, "incoming": 5})
    await pre_sale(app, clock, "s-1", 4)
    response = await put(client, {"on_hand": 0, "incoming": 3})
    assert response.status_code == 409 and response.json()["type"] == PROBLEMS + "incoming-below-reserved"
    row = (await client.get("/inventory/stock/a", headers=STAFF)).json()["warehouses"][0]
    assert (row["incoming"], row["reserved_incoming"], row["available_incoming"]) == (5, 4, 1)


@pytest.mark.parametrize(("body", "field"), [
    ({"on_hand": 0, "incoming": -1}, "incoming"),
    ({"on_hand": 0, "incoming": "5"}, "incoming"),
    ({"on_hand": 0, "incoming": None}, "incoming"),
    ({"on_hand": 0, "incoming": 2**31}, "incoming"),
    ({"on_hand": 0, "incoming_eta": "2026-12-20T09:00:00"}, "incoming_eta"),  # no offset: whose 9 o'clock?
    ({"on_hand": 0, "incoming_eta": 1_800_000_000}, "incoming_eta"),
    ({"on_hand": 0, "incoming_eta": "soon"}, "incoming_eta"),
])
async def test_bad_incoming_figures_are_a_422_naming_the_field(client, body, field):
    assert refused(await put(client, body), field)


async def test_a_receipt_serves_waiting_pre_sales_and_announces_the_complete_ones(app, client, clock):
    await put(client, {"on_hand": 1, "incoming": 6, "incoming_eta": "2026-12-20T09:00:00Z"})
    await pre_sale(app, clock, "s-1", 2)
    await pre_sale(app, clock, "s-2", 3)
    response = await client.post(RECEIPTS, json={"quantity": 4, "reference": "PO-7"}, headers=STAFF)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "sku": "a", "warehouse": "east-1", "quantity": 4, "reference": "PO-7", "from_incoming": 4, "converted": 4,
        "arrived": [{"order_id": "o-s-1", "sub_order_id": "s-1"}],
        "stock": {"sku": "a", "warehouse": "east-1", "on_hand": 5, "reserved": 4, "available": 1, "incoming": 2,
                  "reserved_incoming": 1, "available_incoming": 1, "incoming_eta": "2026-12-20T09:00:00Z"}}
    async with app.state.runtime.sessions() as s:
        rows = (await s.execute(select(outbox.c.key, outbox.c.value)
                                .where(outbox.c.type == "inventory.pre-sale-stock-arrived"))).all()
    assert [(key, json.loads(value)["payload"]["sub_order_id"]) for key, value in rows] == [("o-s-1", "s-1")]
    listed = (await client.get("/inventory/reservations", params={"order_id": "o-s-2"}, headers=STAFF)).json()
    assert [(r["pre_sale"], r["quantity"], r["incoming"]) for r in listed["items"]] == [(True, 3, 1)]


async def test_a_receipt_with_an_idempotency_key_is_booked_once(client):
    headers = {**STAFF, "Idempotency-Key": "delivery-1"}
    first = await client.post(RECEIPTS, json={"quantity": 3, "reference": "PO-1"}, headers=headers)
    again = await client.post(RECEIPTS, json={"quantity": 3, "reference": "PO-1"}, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(RECEIPTS, json={"quantity": 4, "reference": "PO-1"}, headers=headers)
    assert other.status_code == 409 and other.json()["type"] == PROBLEMS + "idempotency-key-reused"
    assert (await client.get("/inventory/stock/a", headers=STAFF)).json()["on_hand"] == 3


async def test_goods_for_an_unknown_warehouse_are_a_404(client):
    response = await client.post("/inventory/stock/a/nowhere/receipts", json={"quantity": 1, "reference": "PO-1"},
                                 headers=STAFF)
    assert response.status_code == 404 and response.json()["type"] == PROBLEMS + "warehouse-not-found"


@pytest.mark.parametrize(("body", "field"), [
    ({"quantity": 0, "reference": "PO-1"}, "quantity"),
    ({"quantity": -2, "reference": "PO-1"}, "quantity"),
    ({"quantity": 1.5, "reference": "PO-1"}, "quantity"),
    ({"reference": "PO-1"}, "quantity"),
    ({"quantity": 1}, "reference"),
    ({"quantity": 1, "reference": ""}, "reference"),
    ({"quantity": 1, "reference": "PO\x00"}, "reference"),
    ({"quantity": 1, "reference": "PO-1", "incoming": 1}, "incoming"),
])
async def test_a_bad_receipt_is_a_422_naming_the_field(client, body, field):
    response = await client.post(RECEIPTS, json=body, headers=STAFF)
    assert refused(response, field), response.text
    assert (await client.get("/inventory/stock/a", headers=STAFF)).json()["on_hand"] == 0
