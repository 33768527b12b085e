"""Staff configure a channel over HTTP: created then replaced, the secret never shown, every bad
field a 422 naming it; a channel SKU maps only to a SKU the catalog told us about."""

import pytest

from tradeflow_channel_adapter.adapters import tables

from .channel_adapter_world import PUSH, SECRET, STAFF


async def test_a_channel_is_created_then_replaced_and_its_secret_is_never_shown(world):
    first = await world.http.put("/channels/shopa", json=PUSH | {"credit_limit_amount": 100_000}, headers=STAFF)
    again = await world.http.put("/channels/shopa", json=PUSH | {"credit_limit_amount": 50_000,
                                                                  "price_list": {"markup_bp": 9000}}, headers=STAFF)
    read = await world.http.get("/channels/shopa", headers=STAFF)
    listed = await world.http.get("/channels", headers=STAFF)

    assert (first.status_code, again.status_code, read.status_code) == (201, 200, 200)
    for answer in (first.text, again.text, read.text, listed.text):
        assert SECRET not in answer and "secret" not in answer
    assert read.json() == again.json()
    view = read.json()
    assert (view["kind"], view["credit_limit_amount"], view["credit_used_amount"], view["credit_remaining_amount"],
            view["price_list"], view["vocabulary"]["money"]) == (
        "marketplace_push", 50_000, 0, 50_000, {"markup_bp": 9000, "explicit": {}}, "decimal")
    assert [c["code"] for c in listed.json()["items"]] == ["shopa"]
    [row] = await world.rows(tables.channels)
    assert (row["secret"], row["credit_limit_amount"]) == (SECRET, 50_000)


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "fax"}, "kind"),
    ({"secret": "short"}, "secret"),
    ({"currency": "yuan"}, "currency"),
    ({"credit_limit_amount": -1}, "credit_limit_amount"),
    ({"credit_limit_amount": "100"}, "credit_limit_amount"),
    ({"api_base_url": "ftp://shop"}, "api_base_url"),
    ({"vocabulary": {"statuses": {"PAID": "paid-ish"}}}, "vocabulary.statuses.PAID"),
    ({"vocabulary": {"money": "cents"}}, "vocabulary.money"),
    ({"price_list": {"markup_bp": -5}}, "price_list.markup_bp"),
    ({"price_list": {"explicit": {"SKU-1": 1.5}}}, "price_list.explicit.SKU-1"),
    ({"surprise": True}, "surprise"),
])
async def test_a_bad_channel_body_is_refused_naming_the_field_and_nothing_is_stored(world, change, field):
    r = await world.http.put("/channels/shopa", json=PUSH | change, headers=STAFF)

    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await world.rows(tables.channels) == []


async def test_a_bad_code_and_an_unknown_channel(world):
    assert (await world.http.put("/channels/Shop A", json=PUSH, headers=STAFF)).status_code == 422
    missing = await world.http.get("/channels/nope", headers=STAFF)
    assert (missing.status_code, missing.json()["type"].rsplit("/", 1)[1]) == (404, "channel-not-found")
    assert (await world.http.put("/channels/shopa", json=PUSH)).status_code == 401


async def test_a_channel_sku_maps_to_a_sku_the_catalog_told_us_about(world):
    await world.channel("shopa")
    await world.sku("COURSE-1", 10_000)

    mapped = await world.http.put("/channels/shopa/sku-map/TB-1", json={"sku": "COURSE-1"}, headers=STAFF)
    unknown = await world.http.put("/channels/shopa/sku-map/TB-2", json={"sku": "COURSE-404"}, headers=STAFF)
    no_channel = await world.http.put("/channels/nope/sku-map/TB-1", json={"sku": "COURSE-1"}, headers=STAFF)

    assert (mapped.status_code, mapped.json()) == (200, {"channel": "shopa", "channel_sku": "TB-1", "sku": "COURSE-1"})
    assert unknown.status_code == 422
    assert unknown.json()["type"].endswith("/unknown-sku")
    assert [e["field"] for e in unknown.json()["errors"]] == ["sku"]
    assert no_channel.status_code == 404
    assert await world.get("/channels/shopa/sku-map") == {"items": [{"channel_sku": "TB-1", "sku": "COURSE-1"}]}
    [row] = await world.rows(tables.sku_map)
    assert (row["channel"], row["channel_sku"], row["sku"], row["updated_by"]) == (
        "shopa", "TB-1", "COURSE-1", "staff:staff-1")


async def test_a_remap_replaces_the_mapping_and_a_newer_catalog_version_is_kept(world):
    await world.channel("shopa")
    await world.sku("COURSE-1", 10_000)
    await world.sku("COURSE-2", 20_000)
    await world.sku("COURSE-1", 12_000)
    await world.map("shopa", "TB-1", "COURSE-1")
    await world.map("shopa", "TB-1", "COURSE-2")

    assert await world.get("/channels/shopa/sku-map") == {"items": [{"channel_sku": "TB-1", "sku": "COURSE-2"}]}
    prices = {r["sku"]: r["unit_price_amount"] for r in await world.rows(tables.catalog_skus)}
    assert prices == {"COURSE-1": 12_000, "COURSE-2": 20_000}
