"""Bad input to the payments API is a 4xx problem with field detail — never a 500 (issue 7: a
correctly signed callback whose body is not a JSON object was an IndexError; NUL bytes)."""

import json

import httpx
import pytest

from tradeflow_kit.fields import MAX_BIGINT

from .support import auth, provider_event, signed


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


async def post_signed(http: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await http.post("/payments/psp/callbacks", content=body, headers=signed(body))


@pytest.mark.parametrize("body", [b"[]", b'[{"event_id": "e"}]', b'"text"', b"42", b"null", b"{not json"])
async def test_a_signed_callback_whose_body_is_not_a_json_object_is_a_422_problem(http, body):
    assert_refused(await post_signed(http, body), "body")


@pytest.mark.parametrize(("field", "value"), [("amount", MAX_BIGINT + 1), ("amount", "1000"), ("amount", 1000.0),
                                              ("currency", "ZZZ"), ("psp_reference", "psp\x00"),
                                              ("merchant_reference", "order\x00"), ("event_id", "")])
async def test_a_signed_callback_with_a_bad_field_is_a_422_naming_it(http, order_id, field, value):
    event = json.loads(provider_event("psp-1", order_id, 1000)) | {field: value}
    assert_refused(await post_signed(http, json.dumps(event).encode()), field)


async def test_starting_a_payment_refuses_nul_bytes_and_unknown_fields(http, order_id):
    buyer = auth("buyer-1")
    assert_refused(await http.post("/payments", json={"order_id": "o\x00"}, headers=buyer), "order_id")
    assert_refused(await http.post("/payments", json={"order_id": order_id, "amount": 5}, headers=buyer), "amount")
    assert_refused(await http.post("/payments", content=json.dumps([order_id]), headers=buyer), "body")


async def test_a_nul_byte_in_the_path_or_query_never_reaches_the_database(http):
    staff = auth("staff-1", "staff")
    assert_refused(await http.get("/payments/pay%00x", headers=staff), "payment_id")
    assert_refused(await http.get("/payments?order_id=o%00", headers=staff), "order_id")
