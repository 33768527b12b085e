"""The fuzz suite: no input gives a 5xx, and every error is problem+json, through the gateway.

* schemathesis over every service's OpenAPI (`fuzzing.py`), a bounded number of examples per
  operation, principal and mode (`TRADEFLOW_FUZZ_EXAMPLES`, default 5: every operation, principal and
  mode tried in `make test`; `make fuzz` runs 200 each);
* hand-written inputs a schema-driven fuzzer rarely produces: NUL bytes in body, path and query,
  money at 2^63 and sums that overflow, money as `"100"`/`100.0`/`true`, unknown currencies,
  JSON that is not an object, integers beyond their columns, a correctly signed PSP callback whose
  body is not an object — in the checkout (`POST /orders` and `POST /orders/quote`: lines, type,
  delivery_method, invoice, coupon_codes, points_amount, expected_paid_amount, and the prices only
  staff may send) and in the price book's bodies (`PUT /catalog/skus|freight-templates|coupons`,
  `POST /catalog/points`); each a 4xx problem whose `errors` name the field;
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
from platform_client import auth, order_body, priced_line, unique

from tradeflow_simulators.psp.signing import signed_headers

pytestmark = pytest.mark.serial  # staff calls on every route may touch what other tests use

EXAMPLES = int(os.environ.get("TRADEFLOW_FUZZ_EXAMPLES", "5"))
PSP_WEBHOOK_SECRET = os.environ.get("TRADEFLOW_PSP_WEBHOOK_SECRET", "psp-dev-webhook-secret")
BUYER = "buyer-fuzz-1"
FUZZ_SKU, FUZZ_MERCHANT = "SKU-FUZZ", "m-fuzz"
CHECKOUT = ("/orders", "/orders/quote")  # the same body: each bad input is refused by both


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


@pytest.fixture
async def fuzz_sku(platform):
    """SKU-FUZZ in the catalog (no stock): a well-formed checkout of it is priced, so a refusal
    can only be the hostile input's."""
    await platform.catalog(FUZZ_SKU, FUZZ_MERCHANT, 100)
    return FUZZ_SKU


def _line(**overrides) -> dict:
    return {"sku": FUZZ_SKU, "quantity": 1} | overrides


def _assert_problem(r: httpx.Response, *allowed: int, fields: tuple[str, ...] = ()) -> None:
    """A problem+json answer with one of the `allowed` statuses, whose `errors` name each of
    `fields` (a field named, or one below it: `invoice` is named by `invoice.title`)."""
    violation = problem_violation(r.status_code, r.headers.get("content-type", ""), r.content)
    assert violation is None, f"{r.request.method} {r.request.url}: {violation}: {r.text[:300]}"
    assert r.status_code in allowed, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"
    named = [e.get("field", "") for e in r.json().get("errors") or []]
    for field in fields:
        assert any(n == field or n.startswith(f"{field}.") for n in named), \
            f"{r.request.method} {r.request.url}: {field!r} not named in {named}: {r.text[:300]}"


def _buyer() -> dict:
    return auth(BUYER, "buyer") | {"Idempotency-Key": unique("fuzz")}


def _staff() -> dict:
    return auth("staff-fuzz", "staff") | {"Idempotency-Key": unique("fuzz")}


async def test_a_well_formed_checkout_is_priced_so_the_refusals_below_are_the_inputs(platform, fuzz_sku):
    """The control for every checkout case here: the same body without the hostile input is fine."""
    body = order_body([_line()], invoice={"title": "ACME Ltd", "tax_id": "91310000MA1FL0001X"},
                      delivery_method="self_pickup", type="normal", points_amount=0, expected_paid_amount=100)
    quoted = await platform.http.post("/orders/quote", json=body, headers=_buyer())
    assert quoted.status_code == 200, quoted.text
    assert (quoted.json()["paid_amount"], quoted.json()["invoice"]) == (100, body["invoice"])


NUL = "bad\x00value"
NUL_BODIES = {
    "receiver.name": lambda b: b["receiver"].update(name=NUL),
    "receiver.city": lambda b: b["receiver"].update(city=NUL),
    "receiver.address": lambda b: b["receiver"].update(address=NUL),
    "receiver.region": lambda b: b["receiver"].update(region=NUL),
    "lines.0.sku": lambda b: b["lines"][0].update(sku=NUL),
    "lines.0.merchant_id": lambda b: b["lines"][0].update(merchant_id=NUL),
    "channel": lambda b: b.update(channel=NUL),
    "type": lambda b: b.update(type=NUL),
    "delivery_method": lambda b: b.update(delivery_method=NUL),
    "invoice.title": lambda b: b["invoice"].update(title=NUL),
    "invoice.tax_id": lambda b: b["invoice"].update(tax_id=NUL),
    "coupon_codes.0": lambda b: b.update(coupon_codes=[NUL]),
}


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("field", NUL_BODIES)
async def test_a_nul_byte_in_an_order_field_is_a_4xx_problem_naming_it(platform, fuzz_sku, field, path):
    body = order_body([_line()], invoice={"title": "ACME Ltd", "tax_id": "91310000MA1FL0001X"})
    NUL_BODIES[field](body)
    _assert_problem(await platform.http.post(path, json=body, headers=_buyer()), 400, 422, fields=(field,))


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/orders/{order}/cancel", {"reason": NUL}),
    ("POST", "/orders/{order}/reject", {"reason": NUL}),
    ("PUT", "/inventory/warehouses/WH-FUZZ", {"region": NUL, "priority": 1}),
    ("POST", "/payments", {"order_id": NUL}),
    ("POST", "/catalog/points/buyer-fuzz-1", {"amount": 1, "reason": NUL}),
])
async def test_a_nul_byte_in_other_bodies_is_a_4xx_problem(platform, fuzz_sku, method, path, body):
    order_id = (await platform.place(BUYER, order_body([_line()]))).json()["id"]
    who = auth(BUYER, "buyer") if path == "/payments" else platform.staff
    r = await platform.http.request(method, path.format(order=order_id), json=body,
                                    headers=who | {"Idempotency-Key": unique("fuzz")})
    _assert_problem(r, 400, 404, 409, 422)


@pytest.mark.parametrize("path", [
    "/orders/ord%00x", "/orders/ord%00x/saga", "/payments/pay%00x", "/inventory/stock/SKU%00x",
    "/orders?status=%00", "/orders?cursor=%00", "/orders?buyer_id=a%00b", "/payments?order_id=a%00b",
    "/inventory/reservations?order_id=a%00b", "/catalog/skus/SKU%00x", "/catalog/skus?merchant_id=a%00b",
    "/catalog/skus?cursor=%00", "/catalog/coupons/C%00x", "/catalog/points/b%00x",
    "/catalog/freight-templates/m%00x",
])
async def test_a_nul_byte_in_a_path_or_query_is_a_4xx_problem(platform, path):
    _assert_problem(await platform.http.get(path, headers=platform.staff), 400, 404, 422)


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("line, extra, field", [
    (_line(unit_price_amount=2**63), {}, "lines.0.unit_price_amount"),
    (_line(unit_price_amount=2**62, quantity=4), {}, "lines.0"),
    (_line(quantity=2**31), {}, "lines.0.quantity"),
    (_line(), {"points_amount": 2**63}, "points_amount"),
    (_line(), {"expected_paid_amount": 2**63}, "expected_paid_amount"),
    (_line(), {"points_amount": -1}, "points_amount"),
    (_line(), {"expected_paid_amount": -1}, "expected_paid_amount"),
])
async def test_money_and_quantities_beyond_the_columns_are_refused(platform, fuzz_sku, line, extra, field, path):
    r = await platform.http.post(path, json=order_body([line]) | extra, headers=_buyer())
    _assert_problem(r, 422, fields=(field,))


@pytest.mark.parametrize("lines, extra, field", [
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 2**63)], {}, "lines.0.unit_price_amount"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 4, 2**62)], {}, "lines.0"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100)], {"shipping_amount": 2**63}, "shipping_amount"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 2**62)], {"shipping_amount": 2**62}, "shipping_amount"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100)], {"discounts": [{"kind": "coupon", "amount": 2**63}]},
     "discounts.0.amount"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100)],
     {"discounts": [{"kind": "coupon", "amount": 2**62}, {"kind": "member", "amount": 2**62}]}, "discounts"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100)], {"discounts": [{"kind": "bribe", "amount": 1}]},
     "discounts.0.kind"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100, kind="service")], {}, "lines.0.kind"),
    ([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100) | {"unit_price_amount": None}], {}, "lines.0.unit_price_amount"),
])
async def test_explicit_prices_beyond_the_columns_are_refused_for_staff_too(platform, lines, extra, field):
    body = order_body(lines, buyer_id=BUYER, shipping_amount=0) | extra
    _assert_problem(await platform.http.post("/orders", json=body, headers=_staff()), 422, fields=(field,))


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("amount", ["100", 100.0, 1e3, True, [100], {"amount": 100}])
async def test_money_and_quantities_must_be_json_integers(platform, fuzz_sku, amount, path):
    cases = [([_line(unit_price_amount=amount)], {}, "lines.0.unit_price_amount"),
             ([_line(quantity=amount)], {}, "lines.0.quantity"),
             ([_line()], {"points_amount": amount}, "points_amount"),
             ([_line()], {"expected_paid_amount": amount}, "expected_paid_amount")]
    for lines, extra, field in cases:
        r = await platform.http.post(path, json=order_body(lines) | extra, headers=_buyer())
        _assert_problem(r, 422, fields=(field,))
    r = await platform.http.post("/orders", json=order_body([priced_line(FUZZ_SKU, FUZZ_MERCHANT, 1, 100)],
                                                            buyer_id=BUYER, shipping_amount=amount),
                                 headers=_staff())
    _assert_problem(r, 422, fields=("shipping_amount",))


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("extra, field", [
    ({"quantity": None}, "lines.0.quantity"),
    ({"quantity": 0}, "lines.0.quantity"),
    ({"quantity": -1}, "lines.0.quantity"),
    ({"unit_price_amount": -1}, "lines.0.unit_price_amount"),
    ({"sku": ""}, "lines.0.sku"),
    ({"sku": "has space"}, "lines.0.sku"),
    ({"colour": "red"}, "lines.0.colour"),
])
async def test_a_bad_line_is_refused_naming_it(platform, fuzz_sku, extra, field, path):
    _assert_problem(await platform.http.post(path, json=order_body([_line(**extra)]), headers=_buyer()), 422,
                    fields=(field,))


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("extra, field", [
    ({"type": "gift"}, "type"), ({"type": ""}, "type"), ({"type": "NORMAL"}, "type"), ({"type": 1}, "type"),
    ({"type": None}, "type"),
    ({"delivery_method": "drone"}, "delivery_method"), ({"delivery_method": None}, "delivery_method"),
    ({"delivery_method": ["express"]}, "delivery_method"),
    ({"invoice": "yes please"}, "invoice"), ({"invoice": {}}, "invoice.title"),
    ({"invoice": {"title": ""}}, "invoice.title"), ({"invoice": {"title": "x" * 201}}, "invoice.title"),
    ({"invoice": {"title": "ACME", "tax_id": 91310000}}, "invoice.tax_id"),
    ({"invoice": {"title": "ACME", "address": "somewhere"}}, "invoice.address"),
    ({"coupon_codes": "C1"}, "coupon_codes"), ({"coupon_codes": [""]}, "coupon_codes.0"),
    ({"coupon_codes": [1]}, "coupon_codes.0"), ({"coupon_codes": [f"C{i}" for i in range(11)]}, "coupon_codes"),
    ({"coupon_codes": None}, "coupon_codes"), ({"coupon_codes": ["NO-SUCH-COUPON"]}, "coupon_codes.0"),
    ({"lines": []}, "lines"), ({"lines": [_line()] * 201}, "lines"), ({"lines": None}, "lines"),
    ({"receiver": None}, "receiver"), ({"currency": None}, "currency"), ({"pay_later": True}, "pay_later"),
])
async def test_bad_checkout_terms_are_refused_naming_the_field(platform, fuzz_sku, extra, field, path):
    r = await platform.http.post(path, json=order_body([_line()]) | extra, headers=_buyer())
    _assert_problem(r, 422, fields=(field,))


@pytest.mark.parametrize("path", CHECKOUT)
@pytest.mark.parametrize("extra, fields", [
    ({"shipping_amount": 0}, ("shipping_amount",)),
    ({"discounts": []}, ("discounts",)),
    ({"discounts": [{"kind": "coupon", "amount": 99}]}, ("discounts",)),
    ({"lines": [_line(merchant_id=FUZZ_MERCHANT)]}, ("lines.0.merchant_id",)),
    ({"lines": [_line(kind="virtual")]}, ("lines.0.kind",)),
    ({"lines": [_line(fragile=False)]}, ("lines.0.fragile",)),
    ({"shipping_amount": 0, "discounts": [], "lines": [_line(), _line(merchant_id=FUZZ_MERCHANT, kind="physical")]},
     ("shipping_amount", "discounts", "lines.1.merchant_id", "lines.1.kind")),
])
async def test_a_buyer_sending_what_the_server_prices_is_refused_naming_each_field(platform, fuzz_sku, extra,
                                                                                    fields, path):
    r = await platform.http.post(path, json=order_body([_line()]) | extra, headers=_buyer())
    _assert_problem(r, 422, fields=fields)


@pytest.mark.parametrize("currency", ["XXY", "cny", "", "CNYY", "€"])
async def test_a_currency_outside_iso_4217_is_refused(platform, fuzz_sku, currency):
    for path in CHECKOUT:
        r = await platform.http.post(path, json=order_body([_line()]) | {"currency": currency}, headers=_buyer())
        _assert_problem(r, 422, fields=("currency",))


# --- the price book's bodies (staff) -------------------------------------------------------------

SKU_BODY = {"merchant_id": FUZZ_MERCHANT, "title": "Fuzz", "unit_price_amount": 100, "currency": "CNY",
            "kind": "physical", "weight_grams": 100, "volume_cm3": 10, "fragile": False, "oversize": False,
            "category": "fuzz"}
FREIGHT_BODY = {"base_amount": 800, "per_kg_amount": 200, "free_above_amount": None,
                "regions": {"west": {"base_amount": 1200, "per_kg_amount": 300}}}
COUPON_BODY = {"kind": "fixed", "amount": 100, "currency": "CNY", "min_spend_amount": None, "merchant_id": None,
               "skus": None, "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2036-01-01T00:00:00Z",
               "per_buyer_limit": 1, "total_quantity": 10}
POINTS_BODY = {"amount": 100, "reason": "fuzz"}
BIG, HUGE = 2**31, 2**63
BAD_VALUES = {  # route → field → values that field refuses (each a case: the valid body with that value)
    "sku": {"unit_price_amount": [HUGE, -1, "100", 1.5, True, None], "currency": ["cny", "XXY", None],
            "kind": ["digital", None], "weight_grams": [BIG, -1], "volume_cm3": [1e3], "fragile": ["yes"],
            "oversize": [1], "title": [NUL, "", "t" * 201], "merchant_id": [NUL, "m fuzz", None],
            "category": [NUL], "colour": ["red"]},
    "freight": {"base_amount": [HUGE, -1, None], "per_kg_amount": ["200"], "free_above_amount": [1.0, -1],
                "regions": ["west", [], {NUL: {"base_amount": 1, "per_kg_amount": 1}},
                            {f"r{i}": {"base_amount": 1, "per_kg_amount": 1} for i in range(501)}],
                "handling_amount": [1]},
    "coupon": {"kind": ["bogus", None], "amount": [None, HUGE, "100"], "percent": [10],
               "min_spend_amount": [-1], "currency": ["€"], "valid_until": ["2025-01-01T00:00:00Z",
                                                                           "2036-01-01T00:00:00"],
               "valid_from": [1700000000, "yesterday"], "per_buyer_limit": [0, -1], "total_quantity": [BIG],
               "skus": [[], [NUL], "SKU-1"], "merchant_id": [NUL], "stackable": [True]},
    "points": {"amount": [0, -5, HUGE, "100", None], "reason": [None, "", NUL], "order_id": ["ord-1"]},
}
CATALOG_CASES = [(route, {field: value}, field) for route, fields in BAD_VALUES.items()
                 for field, values in fields.items() for value in values] + [
    ("freight", {"regions": {"west": {"base_amount": -1, "per_kg_amount": 0}}}, "regions.west.base_amount"),
    ("freight", {"regions": {"west": {"base_amount": 1}}}, "regions.west.per_kg_amount"),
    ("coupon", {"kind": "percent", "amount": None, "percent": 0}, "percent"),
    ("coupon", {"kind": "percent", "amount": None, "percent": 101}, "percent"),
    ("coupon", {"kind": "percent", "amount": None}, "percent"),
    ("coupon", {"kind": "percent", "percent": 10}, "amount"),
    ("coupon", {"skus": [f"S{i}" for i in range(501)]}, "skus"),
]
CATALOG_ROUTES = {"sku": ("PUT", "/catalog/skus/SKU-FUZZ-PUT", SKU_BODY),
                  "freight": ("PUT", "/catalog/freight-templates/m-fuzz-put", FREIGHT_BODY),
                  "coupon": ("PUT", "/catalog/coupons/CPN-FUZZ-PUT", COUPON_BODY),
                  "points": ("POST", "/catalog/points/buyer-fuzz-put", POINTS_BODY)}


@pytest.mark.parametrize("route, change, field", CATALOG_CASES)
async def test_bad_price_book_bodies_are_refused_naming_the_field(platform, route, change, field):
    method, path, valid = CATALOG_ROUTES[route]
    r = await platform.http.request(method, path, json=valid | change, headers=_staff())
    _assert_problem(r, 422, fields=(field,))


async def test_the_price_book_control_bodies_are_accepted(platform):
    """The control of the cases above: each route takes its valid body as it is."""
    for method, path, valid in CATALOG_ROUTES.values():
        r = await platform.http.request(method, path, json=valid, headers=_staff())
        assert r.status_code in (200, 201), f"{method} {path}: {r.status_code} {r.text}"


@pytest.mark.parametrize("method, path, body", [
    ("PUT", "/catalog/skus/SKU-FUZZ-PUT", SKU_BODY), ("PUT", "/catalog/freight-templates/m-fuzz-put", FREIGHT_BODY),
    ("PUT", "/catalog/coupons/CPN-FUZZ-PUT", COUPON_BODY), ("POST", "/catalog/points/buyer-fuzz-put", POINTS_BODY),
])
async def test_a_buyer_may_not_change_the_price_book(platform, method, path, body):
    r = await platform.http.request(method, path, json=body, headers=_buyer())
    _assert_problem(r, 403)


@pytest.mark.parametrize("route", ["sku", "freight", "coupon"])
async def test_a_new_price_book_entry_whose_id_is_not_latin_1_is_no_5xx(platform, route):
    """A SKU code, merchant id or coupon code in Chinese (`龙井-…`): stored and a 201, or refused
    as a 4xx — never a 500 after it was stored."""
    method, path, body = CATALOG_ROUTES[route]
    new_id = unique("龙井")
    r = await platform.http.request(method, path.rsplit("/", 1)[0] + "/" + new_id, json=body, headers=_staff())
    _assert_problem(r, 201, 400, 422)


@pytest.mark.parametrize("path", ["/catalog/skus/SKU%20x", "/catalog/coupons/C%09x", "/catalog/points/b%0Ax",
                                  "/catalog/freight-templates/m%20x"])
async def test_an_id_with_whitespace_in_a_price_book_path_is_refused(platform, path):
    method, _, body = next(r for r in CATALOG_ROUTES.values() if r[1].split("/")[2] == path.split("/")[2])
    _assert_problem(await platform.http.request(method, path, json=body, headers=_staff()), 400, 404, 422)


@pytest.mark.parametrize("raw", ["[]", "\"text\"", "1", "null", "true", "[{\"order_id\": \"x\"}]", "{", ""])
@pytest.mark.parametrize("method, path", [
    ("POST", "/orders"), ("POST", "/orders/quote"), ("POST", "/payments"), ("PUT", "/inventory/warehouses/WH-FUZZ"),
    ("PUT", "/inventory/stock/SKU-FUZZ/WH-FUZZ"), ("POST", "/orders/ord-none/cancel"),
    ("PUT", "/catalog/skus/SKU-FUZZ-PUT"), ("PUT", "/catalog/freight-templates/m-fuzz-put"),
    ("PUT", "/catalog/coupons/CPN-FUZZ-PUT"), ("POST", "/catalog/points/buyer-fuzz-put"),
])
async def test_a_body_that_is_not_a_json_object_is_a_4xx_problem(platform, raw, method, path):
    who = _buyer() if path in ("/orders", "/orders/quote", "/payments") else platform.staff  # who may call it
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
    sku = await platform.product("m-storm", 100, on_hand=100_000, prefix="SKU-STORM")
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
