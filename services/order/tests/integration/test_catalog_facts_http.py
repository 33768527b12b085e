"""The price book's SKUs told to the platform, on the real app and database: every new version of a
SKU put over HTTP is a CatalogSkuChanged in the outbox of the same transaction, keyed by the SKU;
staff announce every SKU again (`POST /catalog/skus/announce`, page by page, once per
Idempotency-Key); nobody else may."""

from datetime import datetime

from tradeflow_order.app import catalog_facts
from tradeflow_testing.access import CALLERS, bearer, expected, outcome

STAFF = bearer("staff-1", "staff")
M1 = bearer("m1-user", "merchant", merchant_id="m-1")
M2 = bearer("m2-user", "merchant", merchant_id="m-2")


def sku_body(merchant_id: str = "m-1", **fields) -> dict:
    return {"merchant_id": merchant_id, "title": "Green tea 250 g", "unit_price_amount": 1999, "currency": "CNY",
            "kind": "physical", "weight_grams": 250} | fields


async def put(orders, sku: str, body: dict, headers: dict) -> dict:
    response = await orders.http.put(f"/catalog/skus/{sku}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def told(orders) -> list[tuple]:
    return [(key, p["sku"], p["version"], p["merchant_id"], p["unit_price_amount"], p["kind"],
             datetime.fromisoformat(p["changed_at"]))
            for key, p in await orders.published("order.catalog-sku-changed")]


async def test_every_new_version_of_a_sku_is_told_in_its_transaction_keyed_by_the_sku(orders):
    first = await put(orders, "SKU-A", sku_body(), STAFF)
    await put(orders, "SKU-A", sku_body(), M1)  # nothing changed: no version, nothing told
    second = await put(orders, "SKU-A", sku_body(unit_price_amount=2499, kind="virtual", title="Tea"), M1)
    refused = await orders.http.put("/catalog/skus/SKU-A", json=sku_body(unit_price_amount=1), headers=M2)
    assert refused.status_code == 403
    assert await told(orders) == [
        ("SKU-A", "SKU-A", 1, "m-1", 1999, "physical", datetime.fromisoformat(first["updated_at"])),
        ("SKU-A", "SKU-A", 2, "m-1", 2499, "virtual", datetime.fromisoformat(second["updated_at"]))]
    [(_, payload)] = (await orders.published("order.catalog-sku-changed"))[1:]
    assert (payload["title"], payload["currency"]) == ("Tea", "CNY")


async def test_staff_announce_every_sku_as_it_is_now_once_per_key(orders, monkeypatch):
    monkeypatch.setattr(catalog_facts, "ANNOUNCE_PAGE", 2)  # read 5 SKUs in pages of 2
    for n, merchant in ((3, "m-1"), (1, "m-2"), (5, "m-1"), (2, "m-1"), (4, "m-2")):
        await put(orders, f"SKU-{n}", sku_body(merchant, unit_price_amount=100 * n), STAFF)
    await put(orders, "SKU-1", sku_body("m-2", unit_price_amount=150), STAFF)
    before = len(await told(orders))

    key = STAFF | {"Idempotency-Key": "announce-1"}
    announced = await orders.http.post("/catalog/skus/announce", headers=key)
    assert (announced.status_code, announced.json()) == (200, {"announced": 5})
    again = await orders.http.post("/catalog/skus/announce", headers=key)
    assert (again.json(), again.headers["idempotent-replayed"]) == ({"announced": 5}, "true")
    assert [(t[1], t[2], t[3], t[4]) for t in (await told(orders))[before:]] == [
        ("SKU-1", 2, "m-2", 150), ("SKU-2", 1, "m-1", 200), ("SKU-3", 1, "m-1", 300), ("SKU-4", 1, "m-2", 400),
        ("SKU-5", 1, "m-1", 500)]  # each once, its current version
    unkeyed = await orders.http.post("/catalog/skus/announce", headers=STAFF)
    assert unkeyed.json() == {"announced": 5}
    assert len(await told(orders)) == before + 10


async def test_only_staff_announce_the_price_book(orders):
    await put(orders, "SKU-A", sku_body(), STAFF)
    seen = {name: outcome(await orders.http.post("/catalog/skus/announce", headers=headers))
            for name, headers in CALLERS.items()}
    assert seen == expected({"staff": (200, None)})
    assert len(await told(orders)) == 2  # the put's, and the one staff announced
