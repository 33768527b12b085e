"""Shipments and returns seen over HTTP: an order's reservations with what shipped and came
back, and `GET /inventory/movements`, the audit trail of deductions and restocks, newest first
and paged by cursor (the routes only need the database; the Kafka lifespan is not run)."""

from datetime import UTC, datetime

import httpx
import pytest

from tradeflow_contracts.inventory import DeductStock, LineToReserve, ReserveStock, RestockReturned, ShipmentUnits
from tradeflow_inventory.app.deduct_stock import deduct_stock
from tradeflow_inventory.app.reserve_stock import reserve_stock
from tradeflow_inventory.app.restock_returned import restock_returned
from tradeflow_kit.cursors import encode_cursor

from .stock_support import seed
from .test_http_api import PROBLEMS, STAFF, SYSTEM

AT = "2026-11-22T10:00:00Z"




def units(sub_order_id: str, sku: str, quantity: int) -> ShipmentUnits:
    return ShipmentUnits(order_id="o-1", sub_order_id=sub_order_id, line_id=f"l-{sku}", sku=sku, warehouse="east-1",
                         quantity=quantity)


async def run(app, use_case, message, clock) -> None:
    async with app.state.api.transactions.begin() as tx:
        await use_case(tx, message, clock)


@pytest.fixture
async def shipped(app, sessions, clock):
    """o-1/s-1 reserved 3 a and 1 b; sh-1 took 2 a and 1 b, sh-2 the last a; 1 a came back (r-1)."""
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 10, ("b", "east-1"): 10})
    await run(app, reserve_stock, ReserveStock(order_id="o-1", sub_order_id="s-1", region="east", lines=[
        LineToReserve(line_id="l-a", sku="a", quantity=3), LineToReserve(line_id="l-b", sku="b", quantity=1)]), clock)
    await run(app, deduct_stock, DeductStock(shipment_id="sh-1", lines=[units("s-1", "a", 2), units("s-1", "b", 1)]),
              clock)
    await run(app, deduct_stock, DeductStock(shipment_id="sh-2", lines=[units("s-1", "a", 1)]), clock)
    await run(app, restock_returned, RestockReturned(shipment_id="sh-1", return_id="r-1", reason="damaged",
                                                     lines=[units("s-1", "a", 1)]), clock)


async def movements(client, headers=STAFF, **params) -> httpx.Response:
    return await client.get("/inventory/movements", params=params, headers=headers)


def moved(item: dict) -> tuple:
    return item["kind"], item["shipment_id"], item["return_id"], item["sku"], item["quantity"]


async def test_an_orders_reservations_say_what_shipped_and_came_back(client, shipped):
    listed = (await client.get("/inventory/reservations", params={"order_id": "o-1"}, headers=SYSTEM)).json()
    assert [(r["line_id"], r["state"], r["quantity"], r["shipped"], r["returned"]) for r in listed["items"]] == [
        ("l-a", "fulfilled", 3, 3, 1), ("l-b", "fulfilled", 1, 1, 0)]


async def test_movements_list_every_deduction_and_restock_newest_first(client, shipped):
    response = await movements(client)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [moved(m) for m in items] == [("restocked", "sh-1", "r-1", "a", 1), ("deducted", "sh-2", None, "a", 1),
                                         ("deducted", "sh-1", None, "b", 1), ("deducted", "sh-1", None, "a", 2)]
    assert items[0] == {"id": items[0]["id"], "kind": "restocked", "shipment_id": "sh-1", "return_id": "r-1",
                        "reason": "damaged", "order_id": "o-1", "sub_order_id": "s-1", "line_id": "l-a", "sku": "a",
                        "warehouse": "east-1", "quantity": 1, "at": AT}
    assert items[1]["reason"] is None and response.json()["next_cursor"] is None


async def test_movements_are_filtered_by_sku_shipment_warehouse_and_order(client, shipped):
    assert [moved(m) for m in (await movements(client, sku="b")).json()["items"]] == [
        ("deducted", "sh-1", None, "b", 1)]
    assert [moved(m) for m in (await movements(client, shipment_id="sh-1", sku="a")).json()["items"]] == [
        ("restocked", "sh-1", "r-1", "a", 1), ("deducted", "sh-1", None, "a", 2)]
    assert len((await movements(client, order_id="o-1", warehouse="east-1")).json()["items"]) == 4
    assert (await movements(client, order_id="o-2")).json() == {"items": [], "next_cursor": None}


async def test_movements_page_one_at_a_time_through_movements_of_the_same_instant(client, shipped):
    seen, cursor = [], None
    for _ in range(5):
        page = (await movements(client, limit=1, **({"cursor": cursor} if cursor else {}))).json()
        seen += [moved(m) for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [moved(m) for m in (await movements(client)).json()["items"]] and len(seen) == 4


FOREIGN_CURSORS = ["not-a-cursor", encode_cursor(datetime(2026, 11, 22, 10, tzinfo=UTC), "x"),
                   encode_cursor(datetime(2026, 11, 22, 10, tzinfo=UTC), str(2**63))]


@pytest.mark.parametrize("cursor", FOREIGN_CURSORS)
async def test_a_cursor_this_api_did_not_give_out_is_a_400(client, cursor):
    response = await movements(client, cursor=cursor)
    assert response.status_code == 400 and response.json()["type"] == PROBLEMS + "invalid-cursor"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"sku": ""}, {"shipment_id": "sh\x00"}])
async def test_a_bad_movements_query_is_a_422(client, params):
    response = await movements(client, **params)
    assert response.status_code == 422 and response.json()["type"] == PROBLEMS + "validation-failed"
