"""The price book's API on the real app and database: who may do what (route × caller, with the
exact status and problem type), versions, paging, field-level 422s and 404 problems."""

from datetime import UTC, datetime

import pytest

from tradeflow_testing.access import CALLERS, FORBIDDEN, bearer, expected, outcome

STAFF = bearer("staff-1", "staff")
M1 = bearer("m1-user", "merchant", merchant_id="m-1")
M2 = bearer("m2-user", "merchant", merchant_id="m-2")
BUYER = bearer("buyer-1", "buyer")
OK, CREATED, NO_MERCHANT = (200, None), (201, None), (403, "merchant-scope-missing")
MANAGERS_OF_M1 = expected({"merchant (in the order)": OK, "staff": OK, "merchant without merchant_id": NO_MERCHANT})

FREIGHT = {"base_amount": 800, "per_kg_amount": 200, "free_above_amount": 9900,
           "regions": {"west": {"base_amount": 1500, "per_kg_amount": 400}}}
COUPON = {"kind": "fixed", "amount": 1000, "currency": "CNY", "min_spend_amount": 5000, "merchant_id": "m-1",
          "skus": ["SKU-B", "SKU-A"], "valid_from": "2026-12-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z",
          "per_buyer_limit": 1, "total_quantity": 100}
HELD_AT = datetime(2026, 12, 2, tzinfo=UTC)


def sku_body(merchant_id: str = "m-1", **fields) -> dict:
    return {"merchant_id": merchant_id, "title": "Green tea 250 g", "unit_price_amount": 1999, "currency": "CNY",
            "kind": "physical", "weight_grams": 250, "volume_cm3": 400, "fragile": False, "oversize": False,
            "category": "tea"} | fields


async def put(orders, path: str, body: dict, headers: dict, status: int = 200) -> dict:
    response = await orders.http.put(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def refused_fields(response) -> set[str]:
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/validation-failed")
    return {e["field"] for e in response.json()["errors"]}


async def matrix(call) -> dict:
    return {name: outcome(await call(headers)) for name, headers in CALLERS.items()}


async def test_a_new_sku_is_created_as_version_1_and_only_a_change_adds_a_version(orders):
    created = await orders.http.put("/catalog/skus/SKU-A", json=sku_body(), headers=STAFF)
    assert created.status_code == 201 and created.headers["location"] == "/catalog/skus/SKU-A"
    assert created.json() == sku_body() | {"sku": "SKU-A", "version": 1, "updated_at": created.json()["updated_at"]}
    assert (await put(orders, "/catalog/skus/SKU-A", sku_body(), STAFF))["version"] == 1  # a retry: nothing new
    changed = await put(orders, "/catalog/skus/SKU-A", sku_body(unit_price_amount=2499, kind="virtual"), M1)
    assert (changed["version"], changed["unit_price_amount"], changed["kind"]) == (2, 2499, "virtual")
    assert (await orders.http.get("/catalog/skus/SKU-A", headers=BUYER)).json() == changed
    versions = (await orders.http.get("/catalog/skus/SKU-A/versions", headers=M1)).json()
    assert [(v["version"], v["unit_price_amount"], v["updated_by"]) for v in versions["items"]] == [
        (1, 1999, "staff:staff-1"), (2, 2499, "merchant:m1-user")]


async def test_a_code_in_any_script_is_created_with_a_percent_encoded_location(orders):
    created = await orders.http.put("/catalog/skus/龙井-250g", json=sku_body(), headers=STAFF)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/catalog/skus/%E9%BE%99%E4%BA%95-250g"
    assert (await orders.http.get(created.headers["location"], headers=BUYER)).json()["sku"] == "龙井-250g"


async def test_who_may_put_a_sku_of_merchant_m1(orders):
    await put(orders, "/catalog/skus/SKU-A", sku_body(), STAFF, 201)
    seen = await matrix(lambda headers: orders.http.put("/catalog/skus/SKU-A", json=sku_body(), headers=headers))
    assert seen == MANAGERS_OF_M1


async def test_a_merchant_neither_takes_another_merchants_sku_nor_gives_its_own_away(orders):
    await put(orders, "/catalog/skus/SKU-M1", sku_body(), M1, 201)
    for body, headers in ((sku_body(), M2), (sku_body("m-2"), M2), (sku_body("m-2"), M1)):
        response = await orders.http.put("/catalog/skus/SKU-M1", json=body, headers=headers)
        assert outcome(response) == FORBIDDEN, response.text
    assert outcome(await orders.http.put("/catalog/skus/SKU-NEW", json=sku_body("m-2"), headers=M1)) == FORBIDDEN
    assert (await orders.http.get("/catalog/skus/SKU-M1", headers=M2)).json()["merchant_id"] == "m-1"
    moved = await put(orders, "/catalog/skus/SKU-M1", sku_body("m-2"), STAFF)
    assert (moved["merchant_id"], moved["version"]) == ("m-2", 2)


async def test_who_may_read_a_sku_and_its_versions(orders):
    await put(orders, "/catalog/skus/SKU-A", sku_body(), M1, 201)
    read = await matrix(lambda headers: orders.http.get("/catalog/skus/SKU-A", headers=headers))
    listed = await matrix(lambda headers: orders.http.get("/catalog/skus", headers=headers))
    versions = await matrix(lambda headers: orders.http.get("/catalog/skus/SKU-A/versions", headers=headers))
    everyone = expected({name: OK for name in CALLERS if name not in ("no token", "bad token")})
    assert read == listed == everyone | {"merchant without merchant_id": NO_MERCHANT}
    assert versions == MANAGERS_OF_M1


async def test_an_unknown_sku_is_a_404_problem(orders):
    for path in ("/catalog/skus/NO-SUCH", "/catalog/skus/NO-SUCH/versions"):
        assert outcome(await orders.http.get(path, headers=STAFF)) == (404, "sku-not-found")


async def test_skus_are_listed_in_code_order_page_by_page_and_by_merchant(orders):
    for code, merchant in (("SKU-C", "m-1"), ("SKU-A", "m-1"), ("SKU-E", "m-2"), ("SKU-B", "m-2"), ("SKU-D", "m-1")):
        await put(orders, f"/catalog/skus/{code}", sku_body(merchant), STAFF, 201)

    async def pages(**query) -> list[list[str]]:
        seen, cursor = [], None
        while True:
            params = query | ({"cursor": cursor} if cursor else {})
            body = (await orders.http.get("/catalog/skus", params=params, headers=BUYER)).json()
            seen.append([s["sku"] for s in body["items"]])
            if (cursor := body["next_cursor"]) is None:
                return seen
    assert await pages(limit=2) == [["SKU-A", "SKU-B"], ["SKU-C", "SKU-D"], ["SKU-E"]]
    assert await pages(limit=2, merchant_id="m-1") == [["SKU-A", "SKU-C"], ["SKU-D"]]
    assert await pages(merchant_id="m-9") == [[]]
    bad = await orders.http.get("/catalog/skus", params={"cursor": "bm90LW91cnM="}, headers=BUYER)
    assert outcome(bad) == (400, "invalid-cursor")


@pytest.mark.parametrize(("change", "field"), [
    ({"unit_price_amount": "1999"}, "unit_price_amount"),
    ({"unit_price_amount": -1}, "unit_price_amount"),
    ({"kind": "digital"}, "kind"),
    ({"currency": "cny"}, "currency"),
    ({"title": ""}, "title"),
    ({"weight_grams": 1.5}, "weight_grams"),
    ({"fragile": "yes"}, "fragile"),
    ({"merchant_id": "m 1"}, "merchant_id"),
    ({"colour": "green"}, "colour"),
])
async def test_a_bad_sku_field_is_a_422_naming_it(orders, change, field):
    response = await orders.http.put("/catalog/skus/SKU-A", json=sku_body(**change), headers=STAFF)
    assert field in refused_fields(response)


async def test_a_sku_code_with_whitespace_is_refused(orders):
    assert refused_fields(await orders.http.put("/catalog/skus/SKU%20A", json=sku_body(), headers=STAFF)) == {"sku"}


async def test_a_merchants_freight_template_is_stored_read_and_versioned(orders):
    created = await put(orders, "/catalog/freight-templates/m-1", FREIGHT, M1, 201)
    assert created == FREIGHT | {"merchant_id": "m-1", "version": 1, "updated_at": created["updated_at"]}
    assert (await orders.http.get("/catalog/freight-templates/m-1", headers=STAFF)).json() == created
    changed = await put(orders, "/catalog/freight-templates/m-1", FREIGHT | {"free_above_amount": None}, STAFF)
    assert (changed["version"], changed["free_above_amount"]) == (2, None)
    assert outcome(await orders.http.get("/catalog/freight-templates/m-2", headers=STAFF)) == (
        404, "freight-template-not-found")


async def test_who_may_put_and_read_merchant_m1s_freight_template(orders):
    await put(orders, "/catalog/freight-templates/m-1", FREIGHT, STAFF, 201)
    put_seen = await matrix(lambda h: orders.http.put("/catalog/freight-templates/m-1", json=FREIGHT, headers=h))
    read_seen = await matrix(lambda h: orders.http.get("/catalog/freight-templates/m-1", headers=h))
    assert put_seen == read_seen == MANAGERS_OF_M1


@pytest.mark.parametrize(("change", "field"), [
    ({"base_amount": 1.0}, "base_amount"),
    ({"regions": {"west": {"base_amount": -5, "per_kg_amount": 0}}}, "regions.west.base_amount"),
    ({"regions": {"west": {"base_amount": 5}}}, "regions.west.per_kg_amount"),
    ({"free_above_amount": "100"}, "free_above_amount"),
])
async def test_a_bad_freight_template_field_is_a_422_naming_it(orders, change, field):
    response = await orders.http.put("/catalog/freight-templates/m-1", json=FREIGHT | change, headers=STAFF)
    assert field in refused_fields(response)


async def test_staff_store_a_coupon_and_see_how_many_orders_hold_it(orders):
    created = await put(orders, "/catalog/coupons/SAVE10", COUPON, STAFF, 201)
    assert created == COUPON | {"code": "SAVE10", "percent": None, "skus": ["SKU-A", "SKU-B"], "version": 1,
                                "valid_from": "2026-12-01T00:00:00+00:00", "valid_until": "2027-01-01T00:00:00+00:00",
                                "updated_at": created["updated_at"]}
    async with orders.app.state.api.transactions.begin() as tx:
        await tx.catalog.hold_coupons("o-1", "buyer-1", ["SAVE10"], HELD_AT)
        await tx.catalog.hold_coupons("o-2", "buyer-2", ["SAVE10"], HELD_AT)
    read = (await orders.http.get("/catalog/coupons/SAVE10", params={"buyer_id": "buyer-1"}, headers=STAFF)).json()
    assert read["uses"] == {"held": 2, "buyer_id": "buyer-1", "held_by_buyer": 1}
    assert (await orders.http.get("/catalog/coupons/SAVE10", headers=STAFF)).json()["uses"] == {"held": 2}
    percent = COUPON | {"kind": "percent", "amount": None, "percent": 15, "merchant_id": None, "skus": None}
    changed = await put(orders, "/catalog/coupons/SAVE10", percent, STAFF)
    assert (changed["version"], changed["kind"], changed["percent"], changed["skus"]) == (2, "percent", 15, None)
    assert outcome(await orders.http.get("/catalog/coupons/NO-SUCH", headers=STAFF)) == (404, "coupon-not-found")


async def test_only_staff_put_and_read_coupons(orders):
    await put(orders, "/catalog/coupons/SAVE10", COUPON, STAFF, 201)
    put_seen = await matrix(lambda h: orders.http.put("/catalog/coupons/SAVE10", json=COUPON, headers=h))
    read_seen = await matrix(lambda h: orders.http.get("/catalog/coupons/SAVE10", headers=h))
    assert put_seen == read_seen == expected({"staff": OK})


@pytest.mark.parametrize(("change", "field"), [
    ({"percent": 10}, "percent"),  # a fixed coupon with a percentage
    ({"amount": None}, "amount"),  # a fixed coupon without its amount
    ({"amount": 0}, "amount"),
    ({"kind": "percent"}, "amount"),  # a percent coupon with an amount
    ({"kind": "percent", "amount": None}, "percent"),  # … and without its percentage
    ({"kind": "percent", "amount": None, "percent": 101}, "percent"),
    ({"kind": "percent", "amount": None, "percent": 0}, "percent"),
    ({"kind": "gift"}, "kind"),
    ({"valid_until": "2026-11-30T00:00:00Z"}, "valid_until"),  # before valid_from
    ({"valid_until": "2026-12-01T00:00:00Z"}, "valid_until"),  # not after it
    ({"valid_from": "2026-12-01T00:00:00"}, "valid_from"),  # no offset
    ({"valid_from": 1764547200}, "valid_from"),  # not an RFC 3339 time
    ({"skus": []}, "skus"),
    ({"per_buyer_limit": 0}, "per_buyer_limit"),
])
async def test_a_bad_coupon_field_is_a_422_naming_it(orders, change, field):
    response = await orders.http.put("/catalog/coupons/SAVE10", json=COUPON | change, headers=STAFF)
    assert field in refused_fields(response)


async def test_staff_grant_points_once_per_idempotency_key_and_the_buyer_reads_the_ledger(orders):
    key = STAFF | {"Idempotency-Key": "grant-1"}
    first = await orders.http.post("/catalog/points/buyer-1", json={"amount": 500, "reason": "welcome"}, headers=key)
    again = await orders.http.post("/catalog/points/buyer-1", json={"amount": 500, "reason": "welcome"}, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"buyer_id": "buyer-1", "balance_amount": 500, "granted_amount": 500}
    assert again.headers["idempotent-replayed"] == "true"
    reused = await orders.http.post("/catalog/points/buyer-1", json={"amount": 1, "reason": "x"}, headers=key)
    assert outcome(reused) == (409, "idempotency-key-reused")
    more = await orders.http.post("/catalog/points/buyer-1", json={"amount": 200, "reason": "apology"}, headers=STAFF)
    assert more.json()["balance_amount"] == 700
    ledger = (await orders.http.get("/catalog/points/buyer-1", headers=BUYER)).json()
    assert ledger["buyer_id"] == "buyer-1" and ledger["balance_amount"] == 700
    assert [{k: e[k] for k in ("amount", "kind", "order_id", "reason", "actor")} for e in ledger["entries"]] == [
        {"amount": 200, "kind": "earned", "order_id": None, "reason": "apology", "actor": "staff:staff-1"},
        {"amount": 500, "kind": "earned", "order_id": None, "reason": "welcome", "actor": "staff:staff-1"}]
    empty = (await orders.http.get("/catalog/points/buyer-2", headers=STAFF)).json()
    assert (empty["balance_amount"], empty["entries"]) == (0, [])


async def test_who_may_grant_and_read_buyer_1s_points(orders):
    grants = await matrix(lambda h: orders.http.post("/catalog/points/buyer-1", json={"amount": 1, "reason": "r"},
                                                     headers=h))
    reads = await matrix(lambda h: orders.http.get("/catalog/points/buyer-1", headers=h))
    assert grants == expected({"staff": OK})
    assert reads == expected({"staff": OK, "buyer (owner)": OK})


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": 0, "reason": "r"}, "amount"),
    ({"amount": -5, "reason": "r"}, "amount"),
    ({"amount": "5", "reason": "r"}, "amount"),
    ({"amount": 5, "reason": ""}, "reason"),
    ({"amount": 5}, "reason"),
])
async def test_a_bad_points_grant_is_a_422_naming_the_field(orders, body, field):
    response = await orders.http.post("/catalog/points/buyer-1", json=body, headers=STAFF)
    assert field in refused_fields(response)


async def test_a_grant_beyond_the_largest_balance_is_refused_and_leaves_the_balance(orders):
    largest = 2**63 - 1
    assert (await orders.http.post("/catalog/points/buyer-1", json={"amount": largest, "reason": "r"},
                                   headers=STAFF)).status_code == 200
    over = await orders.http.post("/catalog/points/buyer-1", json={"amount": 1, "reason": "r"}, headers=STAFF)
    assert outcome(over) == (422, "invalid-catalog-entry") and over.json()["errors"][0]["field"] == "amount"
    assert (await orders.http.get("/catalog/points/buyer-1", headers=STAFF)).json()["balance_amount"] == largest
