"""The fuzz suite: no input gives a 5xx, and every error is problem+json, through the gateway.

* schemathesis over every service's OpenAPI (`fuzzing.py`), a bounded number of examples per
  operation, principal and mode (`TRADEFLOW_FUZZ_EXAMPLES`, default 15; `make fuzz` runs more);
* hand-written inputs a schema-driven fuzzer rarely produces: NUL bytes in body, path and query,
  money at 2^63 and sums that overflow, money as `"100"`/`100.0`/`true`, unknown currencies,
  JSON that is not an object, integers beyond their columns, a correctly signed PSP callback whose
  body is not an object;
* a keep-alive storm: a buyer looping bad requests must not break anyone else's orders.
"""

import asyncio
import json
import os
import time

import httpx
import pytest
import requests
from fuzzing import SERVICES, fuzz_operation, load_api, operations, problem_violation
from platform_client import auth, order_body, unique

from tradeflow_simulators.psp.signing import signed_headers

EXAMPLES = int(os.environ.get("TRADEFLOW_FUZZ_EXAMPLES", "15"))
PSP_WEBHOOK_SECRET = os.environ.get("TRADEFLOW_PSP_WEBHOOK_SECRET", "psp-dev-webhook-secret")
BUYER = "buyer-fuzz-1"


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_finds_no_5xx_and_only_problem_json_errors(gateway_url, service):
    api = load_api(gateway_url, service)
    broken, tried = [], 0
    with requests.Session() as session:
        for operation in operations(api):
            tally = fuzz_operation(operation, gateway_url, EXAMPLES, session)
            tried += tally.requests
            if tally.broken:
                broken.append(f"{operation.label}: {tally.server_errors} 5xx, {tally.non_problem} non-problem, "
                              f"{tally.transport_errors} broken connections of {tally.requests}\n  "
                              + "\n  ".join(tally.failures))
    assert tried > 0, f"nothing was sent to {service}"
    assert not broken, f"{service}: {len(broken)} operation(s) broke the error rules:\n" + "\n".join(broken)


def _line(**overrides) -> dict:
    return {"sku": "SKU-FUZZ", "merchant_id": "m1", "quantity": 1, "unit_price_amount": 100} | overrides


def _assert_problem(r: httpx.Response, *allowed: int) -> None:
    violation = problem_violation(r.status_code, r.headers.get("content-type", ""), r.content)
    assert violation is None, f"{r.request.method} {r.request.url}: {violation}: {r.text[:300]}"
    assert r.status_code in allowed, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"


def _buyer() -> dict:
    return auth(BUYER, "buyer") | {"Idempotency-Key": unique("fuzz")}


NUL = "bad\x00value"
NUL_BODIES = {
    "receiver.name": lambda b: b["receiver"].update(name=NUL),
    "receiver.city": lambda b: b["receiver"].update(city=NUL),
    "receiver.address": lambda b: b["receiver"].update(address=NUL),
    "receiver.region": lambda b: b["receiver"].update(region=NUL),
    "lines.0.sku": lambda b: b["lines"][0].update(sku=NUL),
    "lines.0.merchant_id": lambda b: b["lines"][0].update(merchant_id=NUL),
    "channel": lambda b: b.update(channel=NUL),
}


@pytest.mark.parametrize("field", NUL_BODIES)
async def test_a_nul_byte_in_an_order_field_is_a_4xx_problem(platform, field):
    body = order_body([_line()])
    NUL_BODIES[field](body)
    _assert_problem(await platform.http.post("/orders", json=body, headers=_buyer()), 400, 422)


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/orders/{order}/cancel", {"reason": NUL}),
    ("POST", "/orders/{order}/reject", {"reason": NUL}),
    ("PUT", "/inventory/warehouses/WH-FUZZ", {"region": NUL, "priority": 1}),
    ("POST", "/payments", {"order_id": NUL}),
])
async def test_a_nul_byte_in_other_bodies_is_a_4xx_problem(platform, method, path, body):
    order_id = (await platform.place(BUYER, order_body([_line()]))).json()["id"]
    who = auth(BUYER, "buyer") if path == "/payments" else platform.staff
    r = await platform.http.request(method, path.format(order=order_id), json=body,
                                    headers=who | {"Idempotency-Key": unique("fuzz")})
    _assert_problem(r, 400, 404, 409, 422)


@pytest.mark.parametrize("path", [
    "/orders/ord%00x", "/orders/ord%00x/saga", "/payments/pay%00x", "/inventory/stock/SKU%00x",
    "/orders?status=%00", "/orders?cursor=%00", "/orders?buyer_id=a%00b", "/payments?order_id=a%00b",
    "/inventory/reservations?order_id=a%00b",
])
async def test_a_nul_byte_in_a_path_or_query_is_a_4xx_problem(platform, path):
    _assert_problem(await platform.http.get(path, headers=platform.staff), 400, 404, 422)


@pytest.mark.parametrize("line, extra", [
    (_line(unit_price_amount=2**63), {}),
    (_line(unit_price_amount=2**62, quantity=4), {}),
    (_line(), {"shipping_amount": 2**63}),
    (_line(quantity=2**31), {}),
    (_line(), {"discounts": [{"kind": "coupon", "amount": 2**63}]}),
])
async def test_money_and_quantities_beyond_the_columns_are_refused(platform, line, extra):
    r = await platform.http.post("/orders", json=order_body([line]) | extra, headers=_buyer())
    _assert_problem(r, 422)


@pytest.mark.parametrize("amount", ["100", 100.0, 1e3, True, None, [100]])
async def test_money_and_quantities_must_be_json_integers(platform, amount):
    for line in (_line(unit_price_amount=amount), _line(quantity=amount)):
        r = await platform.http.post("/orders", json=order_body([line]), headers=_buyer())
        _assert_problem(r, 422)
    r = await platform.http.post("/orders", json=order_body([_line()]) | {"shipping_amount": amount},
                                 headers=_buyer())
    _assert_problem(r, 422)


@pytest.mark.parametrize("currency", ["XXY", "cny", "", "CNYY", "€"])
async def test_a_currency_outside_iso_4217_is_refused(platform, currency):
    r = await platform.http.post("/orders", json=order_body([_line()]) | {"currency": currency}, headers=_buyer())
    _assert_problem(r, 422)


@pytest.mark.parametrize("raw", ["[]", "\"text\"", "1", "null", "true", "[{\"order_id\": \"x\"}]", "{", ""])
@pytest.mark.parametrize("method, path", [
    ("POST", "/orders"), ("POST", "/payments"), ("PUT", "/inventory/warehouses/WH-FUZZ"),
    ("PUT", "/inventory/stock/SKU-FUZZ/WH-FUZZ"), ("POST", "/orders/ord-none/cancel"),
])
async def test_a_body_that_is_not_a_json_object_is_a_4xx_problem(platform, raw, method, path):
    who = _buyer() if path in ("/orders", "/payments") else platform.staff  # who may call it at all
    headers = who | {"Idempotency-Key": unique("fuzz"), "Content-Type": "application/json"}
    r = await platform.http.request(method, path, content=raw.encode(), headers=headers)
    _assert_problem(r, 400, 404, 422)


@pytest.mark.parametrize("body", [{"on_hand": 2**31}, {"on_hand": -1}, {"on_hand": 5, "colour": "red"}])
async def test_stock_beyond_the_column_or_with_unknown_fields_is_refused(platform, body):
    warehouse = unique("WH")
    await platform.stock(unique("SKU"), warehouse, 1)
    r = await platform.http.put(f"/inventory/stock/SKU-FUZZ/{warehouse}", json=body, headers=platform.staff)
    _assert_problem(r, 422)


@pytest.mark.parametrize("body", [{"region": "east", "priority": 2**31}, {"region": "east", "priority": 1, "x": 1}])
async def test_a_warehouse_beyond_the_column_or_with_unknown_fields_is_refused(platform, body):
    r = await platform.http.put(f"/inventory/warehouses/{unique('WH')}", json=body, headers=platform.staff)
    _assert_problem(r, 422)


@pytest.mark.parametrize("raw", [b"[]", b"[1, 2]", b"\"event\"", b"42", b"null"])
async def test_a_correctly_signed_psp_callback_that_is_not_an_object_is_a_4xx_problem(platform, raw):
    r = await platform.http.post("/payments/psp/callbacks", content=raw,
                                 headers=signed_headers(PSP_WEBHOOK_SECRET, int(time.time()), raw))
    _assert_problem(r, 400, 422)


async def test_a_buyer_looping_bad_requests_breaks_no_one_elses_orders(platform, gateway_url):
    """Issue 7 §2: a 500 used to poison the keep-alive connection the next (innocent) request took."""
    sku, warehouse = unique("SKU-STORM"), unique("WH")
    await platform.stock(sku, warehouse, 100_000)
    storm_over = asyncio.Event()
    bad_answers: dict[int, int] = {}

    async def attacker() -> None:
        bad = order_body([_line(sku=sku)])
        bad["receiver"]["address"] = NUL
        while not storm_over.is_set():
            r = await platform.http.post("/orders", json=bad, headers=auth("buyer-storm", "buyer")
                                         | {"Idempotency-Key": unique("storm")})
            bad_answers[r.status_code] = bad_answers.get(r.status_code, 0) + 1

    async def innocent(index: int) -> httpx.Response:
        return await platform.place(f"buyer-innocent-{index}", order_body([_line(sku=sku)]))

    attackers = [asyncio.create_task(attacker()) for _ in range(4)]
    try:
        answers = []
        for wave in range(12):
            answers += await asyncio.gather(*(innocent(wave * 10 + i) for i in range(10)))
    finally:
        storm_over.set()
        await asyncio.gather(*attackers, return_exceptions=True)
    failed = [(r.status_code, r.text[:120]) for r in answers if r.status_code != 201]
    assert sum(bad_answers.values()) >= 50, f"the storm was too weak to prove anything: {bad_answers}"
    assert not failed, f"{len(failed)} of {len(answers)} innocent orders failed during the storm " \
                       f"(bad requests answered {bad_answers}): {failed[:5]}"


def test_problem_rules_catch_what_they_should():
    """The checker itself: an HTML 502 or a problem without its status must count as broken."""
    assert problem_violation(502, "text/html", b"<html>Bad Gateway</html>")
    assert problem_violation(400, "text/html", b"<html>Bad Request</html>")
    assert problem_violation(422, "application/problem+json", json.dumps({"type": "x", "title": "y"}).encode())
    assert problem_violation(404, "application/problem+json", b"[]")
    ok = json.dumps({"type": "https://tradeflow.example/problems/x", "title": "X", "status": 409}).encode()
    assert problem_violation(409, "application/problem+json", ok) is None
    assert problem_violation(201, "application/json", b"{}") is None
