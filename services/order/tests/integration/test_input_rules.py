"""Bad input to the order API is a 422 problem with field detail — never a 500 (issue 7: NUL
bytes, money beyond BIGINT, sums that overflow, loose number types, unknown currencies)."""

import copy
import uuid

import httpx
import pytest

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.fields import MAX_BIGINT
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_order.bootstrap import build_app
from tradeflow_order.settings import Settings
from tradeflow_testing.migrations import migrate_to_head

TOKENS = TokenCodec(DEV_JWT_SECRET)
BUYER = {"Authorization": f"Bearer {TOKENS.mint('buyer-1', ['buyer'])}"}
STAFF = {"Authorization": f"Bearer {TOKENS.mint('staff-1', ['staff'])}"}
ORDER = {"currency": "CNY",
         "receiver": {"name": "Han Meimei", "phone": "13900000000", "region": "east", "city": "Hangzhou",
                      "address": "2 West Lake Rd"},
         "lines": [{"sku": "SKU-A", "quantity": 2, "unit_price_amount": 1999}]}


@pytest.fixture
async def client(fresh_database_url):
    await migrate_to_head("order", fresh_database_url)
    app = build_app(Settings(database_url=fresh_database_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://order") as client:
        yield client
    await app.state.runtime.stop()


def order_with(path: tuple, value) -> dict:
    body = copy.deepcopy(ORDER)
    *parents, last = path
    target = body
    for key in parents:
        target = target[key]
    target[last] = value
    return body


async def place(client, body) -> httpx.Response:
    return await client.post("/orders", json=body, headers=BUYER | {"Idempotency-Key": uuid.uuid4().hex})


def assert_refused(response: httpx.Response, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


@pytest.mark.parametrize("path", [("receiver", "name"), ("receiver", "region"), ("receiver", "address"),
                                  ("lines", 0, "sku"), ("lines", 0, "merchant_id"), ("channel",)])
async def test_a_nul_byte_in_any_order_field_is_a_422(client, path):
    assert_refused(await place(client, order_with(path, "a\x00b")), ".".join(map(str, path)))


@pytest.mark.parametrize("loose", ["100", 100.0, 1e3, True])
async def test_amounts_and_quantities_must_be_json_integers(client, loose):
    assert_refused(await place(client, order_with(("lines", 0, "unit_price_amount"), loose)),
                   "lines.0.unit_price_amount")
    assert_refused(await place(client, order_with(("lines", 0, "quantity"), loose)), "lines.0.quantity")
    assert_refused(await place(client, order_with(("shipping_amount",), loose)), "shipping_amount")


async def test_money_beyond_bigint_and_sums_that_overflow_are_refused_on_their_field(client):
    assert_refused(await place(client, order_with(("lines", 0, "unit_price_amount"), 2**63)),
                   "lines.0.unit_price_amount")
    assert_refused(await place(client, order_with(("lines", 0, "unit_price_amount"), MAX_BIGINT)), "lines.0")
    half = {"sku": "SKU-B", "merchant_id": "m1", "quantity": 1, "unit_price_amount": MAX_BIGINT // 2 + 1}
    assert_refused(await place(client, order_with(("lines",), [half, half])), "lines")
    one = order_with(("lines",), [half | {"unit_price_amount": MAX_BIGINT}])
    assert_refused(await place(client, one | {"shipping_amount": 1}), "shipping_amount")
    discounts = [{"kind": "coupon", "amount": MAX_BIGINT}, {"kind": "points", "amount": 1}]
    assert_refused(await place(client, ORDER | {"discounts": discounts}), "discounts")


@pytest.mark.parametrize("currency", ["ABC", "cny", "XAU", "C\x00Y"])
async def test_the_currency_must_be_an_iso_4217_code(client, currency):
    assert_refused(await place(client, ORDER | {"currency": currency}), "currency")


async def test_unknown_fields_are_refused(client):
    assert_refused(await place(client, ORDER | {"coupon": "FREE"}), "coupon")


async def test_a_nul_byte_in_the_path_or_a_list_query_is_a_422_not_a_500(client):
    assert_refused(await client.get("/orders/ord%00x", headers=BUYER), "order_id")
    assert_refused(await client.get("/orders?status=paid%00", headers=STAFF), "status")
    assert_refused(await client.get("/orders?buyer_id=%00", headers=STAFF), "buyer_id")
    assert_refused(await client.post("/orders/ord%00x/cancel", json={"reason": "x"}, headers=BUYER), "order_id")


async def test_a_nul_byte_in_a_reason_is_a_422(client):
    response = await client.post("/orders/ord-1/reject", json={"reason": "no\x00"}, headers=STAFF)
    assert_refused(response, "reason")


async def test_a_valid_order_is_still_placed(client):
    sku = {"merchant_id": "m1", "title": "A", "unit_price_amount": 1999, "currency": "CNY", "kind": "physical"}
    assert (await client.put("/catalog/skus/SKU-A", json=sku, headers=STAFF)).status_code in (200, 201)
    response = await place(client, ORDER)
    assert response.status_code == 201, response.text
    assert response.json()["goods_amount"] == 3998
