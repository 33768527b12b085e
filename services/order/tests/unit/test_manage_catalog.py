"""Who may change the price book and how (app/manage_catalog.py), on the in-memory FakeCatalog;
and that the fake keeps the port's contract the way the database does."""

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tradeflow_order.app import manage_catalog as catalog
from tradeflow_order.app.manage_catalog import CatalogUser
from tradeflow_order.domain.catalog import CatalogSku, Coupon, CouponKind, CouponUses, FreightTemplate, PointsEntry
from tradeflow_order.domain.catalog import PointsEntryKind as Kind
from tradeflow_order.domain.catalog_errors import InvalidCatalogEntry, NotYourCatalogEntry, SkuNotFound

from .fake_catalog import CatalogTransaction, FakeCatalog
from .fakes import FixedClock

STAFF = CatalogUser("staff:s1", staff=True)
M1 = CatalogUser("merchant:u1", merchant_id="m-1")
M2 = CatalogUser("merchant:u2", merchant_id="m-2")
BUYER = CatalogUser("buyer:b1", buyer_id="b1")
TEA = CatalogSku("SKU-A", "m-1", "Green tea", 1999, "CNY")


@pytest.fixture
def world():
    clock = FixedClock()
    return SimpleNamespace(tx=CatalogTransaction(), c=SimpleNamespace(clock=clock), clock=clock)


async def test_a_put_stamps_time_and_actor_and_only_a_change_makes_a_new_version(world):
    created = await catalog.put_sku(world.tx, world.c, M1, TEA)
    assert created == (replace(TEA, updated_at=world.clock.at, updated_by="merchant:u1"), True)
    world.clock.at += timedelta(hours=1)
    assert await catalog.put_sku(world.tx, world.c, STAFF, TEA) == (created[0], False)
    changed, new = await catalog.put_sku(world.tx, world.c, STAFF, replace(TEA, unit_price_amount=2499))
    assert (changed.version, changed.updated_at, changed.updated_by, new) == (2, world.clock.at, "staff:s1", False)
    assert [v.version for v in await catalog.sku_versions(world.tx, M1, "SKU-A")] == [1, 2]


async def test_a_merchant_manages_only_its_own_skus_and_cannot_give_them_away(world):
    world.tx.catalog.seed(TEA)
    for user, sku in ((M2, TEA), (M2, replace(TEA, merchant_id="m-2")), (M1, replace(TEA, merchant_id="m-2"))):
        with pytest.raises(NotYourCatalogEntry):
            await catalog.put_sku(world.tx, world.c, user, sku)
    with pytest.raises(NotYourCatalogEntry):
        await catalog.sku_versions(world.tx, M2, "SKU-A")
    assert [s.merchant_id for s in world.tx.catalog.sku_history["SKU-A"]] == ["m-1"]


async def test_a_merchant_cannot_take_over_a_sku_another_merchant_created_since_it_looked(world):
    world.tx.catalog.seed(replace(TEA, merchant_id="m-2"))
    world.tx.catalog.skus = _nothing_yet  # read before m-2's SKU was committed
    with pytest.raises(NotYourCatalogEntry):
        await catalog.put_sku(world.tx, world.c, M1, TEA)


async def _nothing_yet(codes):
    return {}


async def test_freight_templates_are_the_merchants_own(world):
    template = FreightTemplate("m-1", 800, 200)
    assert (await catalog.put_freight_template(world.tx, world.c, M1, template))[1] is True
    assert (await catalog.get_freight_template(world.tx, STAFF, "m-1")).base_amount == 800
    for call in (catalog.put_freight_template(world.tx, world.c, M2, template),
                 catalog.get_freight_template(world.tx, M2, "m-1")):
        with pytest.raises(NotYourCatalogEntry):
            await call


async def test_coupons_are_staffs_and_show_their_holds(world):
    save = Coupon("SAVE10", CouponKind.FIXED, "CNY", amount=1000)
    with pytest.raises(NotYourCatalogEntry):
        await catalog.put_coupon(world.tx, world.c, M1, save)
    await catalog.put_coupon(world.tx, world.c, STAFF, save)
    await world.tx.catalog.hold_coupons("o-1", "b1", ["SAVE10"], world.clock.at)
    assert (await catalog.get_coupon(world.tx, STAFF, "SAVE10", "b2"))[1] == CouponUses(1, 0)


async def test_staff_grant_positive_points_and_a_buyer_reads_only_their_own(world):
    assert await catalog.grant_points(world.tx, world.c, STAFF, "b1", 500, "welcome") == 500
    for user, amount in ((M1, 5), (BUYER, 5)):
        with pytest.raises(NotYourCatalogEntry):
            await catalog.grant_points(world.tx, world.c, user, "b1", amount, "r")
    with pytest.raises(InvalidCatalogEntry):
        await catalog.grant_points(world.tx, world.c, STAFF, "b1", 0, "r")
    ledger = await catalog.read_points(world.tx, BUYER, "b1")
    assert (ledger.balance_amount, [e.actor for e in ledger.entries]) == (500, ["staff:s1"])
    with pytest.raises(NotYourCatalogEntry):
        await catalog.read_points(world.tx, CatalogUser("buyer:b2", buyer_id="b2"), "b1")


async def test_an_unknown_sku_is_not_found(world):
    with pytest.raises(SkuNotFound):
        await catalog.get_sku(world.tx, "NO-SUCH")


async def test_the_fake_counts_holds_not_returned_and_returns_once():
    fake = FakeCatalog().seed(PointsEntry("b1", 1000, Kind.EARNED, FixedClock().at),
                              PointsEntry("b1", -300, Kind.SPENT, FixedClock().at, order_id="o-1"))
    at = FixedClock().at
    await fake.hold_coupons("o-1", "b1", ["A", "B"], at)
    await fake.hold_coupons("o-1", "b1", ["A"], at)
    await fake.hold_coupons("o-2", "b2", ["A"], at)
    assert await fake.coupon_uses("A", "b1") == CouponUses(2, 1)
    assert (await fake.return_coupons("o-1", at), await fake.return_coupons("o-1", at)) == (["A", "B"], [])
    assert await fake.coupon_uses("A", "b1") == CouponUses(1, 0)
    assert (await fake.return_points("o-1", at), await fake.return_points("o-1", at)) == (300, 0)
    assert await fake.points_balance("b1") == 1000
    assert (await fake.coupons({"A"}, lock=True), fake.locked) == ({}, [[]])
