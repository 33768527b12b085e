"""Bad input to the inventory API is a 422 problem with field detail — never a 500 (issue 7:
counts beyond an INTEGER column, NUL bytes in bodies, paths and queries, unknown fields)."""

import httpx
import pytest

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

STAFF = {"Authorization": f"Bearer {TokenCodec(DEV_JWT_SECRET).mint('staff-1', ['staff'])}"}
TOO_BIG = 2**31


@pytest.fixture
async def client(client):
    """The app's client with warehouse east-1 defined."""
    assert (await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1},
                             headers=STAFF)).status_code == 200
    return client


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


async def test_on_hand_and_priority_beyond_an_integer_column_are_refused(client):
    assert_refused(await client.put("/inventory/stock/a/east-1", json={"on_hand": TOO_BIG}, headers=STAFF),
                   "on_hand")
    assert_refused(await client.put("/inventory/warehouses/w", json={"region": "r", "priority": TOO_BIG},
                                    headers=STAFF), "priority")
    response = await client.put("/inventory/stock/a/east-1", json={"on_hand": TOO_BIG - 1}, headers=STAFF)
    assert response.status_code == 200 and response.json()["on_hand"] == TOO_BIG - 1


@pytest.mark.parametrize("loose", ["5", 5.0, True])
async def test_counts_must_be_json_integers(client, loose):
    assert_refused(await client.put("/inventory/stock/a/east-1", json={"on_hand": loose}, headers=STAFF), "on_hand")


async def test_unknown_fields_are_refused_as_the_order_api_does(client):
    response = await client.put("/inventory/warehouses/w", json={"region": "r", "priority": 1, "colour": "red"},
                                headers=STAFF)
    assert_refused(response, "colour")
    assert_refused(await client.put("/inventory/stock/a/east-1", json={"on_hand": 1, "reserved": 9}, headers=STAFF),
                   "reserved")


async def test_a_nul_byte_in_a_region_is_refused(client):
    assert_refused(await client.put("/inventory/warehouses/w", json={"region": "e\x00", "priority": 1},
                                    headers=STAFF), "region")


async def test_a_nul_byte_in_a_path_or_a_query_never_reaches_the_database(client):
    assert_refused(await client.put("/inventory/warehouses/w%00", json={"region": "r", "priority": 1},
                                    headers=STAFF), "code")
    assert_refused(await client.put("/inventory/stock/a%00/east-1", json={"on_hand": 1}, headers=STAFF), "sku")
    assert_refused(await client.get("/inventory/stock/a%00", headers=STAFF), "sku")
    assert_refused(await client.get("/inventory/reservations?order_id=o%00", headers=STAFF), "order_id")
