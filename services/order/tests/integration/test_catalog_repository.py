"""The price book on the real database (SqlaCatalogRepository): versions bumped atomically,
coupon uses counted from the holds not returned, holds and returns idempotent, the points ledger."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tradeflow_order.adapters.sqla_catalog import SqlaCatalogRepository
from tradeflow_order.domain.catalog import (
    CatalogSku,
    Coupon,
    CouponKind,
    CouponUses,
    FreightTemplate,
    PointsEntry,
    PointsEntryKind,
    RegionRate,
    SkuKind,
)
from tradeflow_testing.polling import poll_until

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.fixture
async def sessions(order_database_url):
    engine = create_async_engine(order_database_url)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def in_tx(sessions, work):
    """Run `work(repository)` in one committed transaction; its result."""
    async with sessions.begin() as session:
        return await work(SqlaCatalogRepository(session))


def sku(code: str = "SKU-A", merchant: str = "m-1", price: int = 1999, **fields) -> CatalogSku:
    return CatalogSku(code, merchant, f"title of {code}", price, "CNY", updated_at=T0, **fields)


def coupon(code: str = "SAVE10", **fields) -> Coupon:
    return Coupon(code, CouponKind.FIXED, "CNY", amount=1000, updated_at=T0, **fields)


async def test_a_new_sku_is_version_1_and_each_put_stores_the_next_keeping_every_version(sessions):
    first = await in_tx(sessions, lambda repo: repo.put_sku(sku(weight_grams=500, updated_by="staff:s1")))
    second = await in_tx(sessions, lambda repo: repo.put_sku(sku(price=2499, kind=SkuKind.VIRTUAL, fragile=True)))
    assert (first.version, second.version) == (1, 2)
    assert first == sku(weight_grams=500, updated_by="staff:s1", version=1)
    current = await in_tx(sessions, lambda repo: repo.skus({"SKU-A", "NO-SUCH"}))
    assert current == {"SKU-A": second}
    assert second.unit_price_amount == 2499 and second.kind is SkuKind.VIRTUAL and second.fragile
    versions = await in_tx(sessions, lambda repo: repo.sku_versions("SKU-A"))
    assert versions == [first, second]


async def test_concurrent_puts_of_one_sku_get_consecutive_versions_none_lost(sessions):
    stored = await asyncio.gather(*(in_tx(sessions, lambda repo, p=p: repo.put_sku(sku(price=p)))
                                    for p in range(100, 106)))
    assert sorted(s.version for s in stored) == [1, 2, 3, 4, 5, 6]
    versions = await in_tx(sessions, lambda repo: repo.sku_versions("SKU-A"))
    assert [v.version for v in versions] == [1, 2, 3, 4, 5, 6]
    assert sorted(v.unit_price_amount for v in versions) == list(range(100, 106))


async def test_skus_are_found_in_code_order_after_a_code_and_narrowed_to_a_merchant(sessions):
    async def seed(repo):
        for code, merchant in (("C", "m-1"), ("A", "m-1"), ("B", "m-2"), ("D", "m-1")):
            await repo.put_sku(sku(code, merchant))
    await in_tx(sessions, seed)

    async def codes(**query):
        return [s.sku for s in await in_tx(sessions, lambda repo: repo.find_skus(**query))]
    assert await codes(merchant_id=None, limit=10, after=None) == ["A", "B", "C", "D"]
    assert await codes(merchant_id=None, limit=2, after="B") == ["C", "D"]
    assert await codes(merchant_id="m-1", limit=2, after=None) == ["A", "C"]
    assert await codes(merchant_id="m-1", limit=2, after="C") == ["D"]
    assert await codes(merchant_id="m-9", limit=2, after=None) == []


async def test_a_freight_template_keeps_its_regions_and_bumps_its_version(sessions):
    template = FreightTemplate("m-1", 800, 200, free_above_amount=9900,
                               regions={"west": RegionRate(1500, 400)}, updated_at=T0)
    first = await in_tx(sessions, lambda repo: repo.put_freight_template(template))
    changed = FreightTemplate("m-1", 900, 250, updated_at=T0 + timedelta(hours=1))
    second = await in_tx(sessions, lambda repo: repo.put_freight_template(changed))
    assert first == template
    assert second.version == 2 and second.regions == {} and second.free_above_amount is None
    found = await in_tx(sessions, lambda repo: repo.freight_templates({"m-1", "m-2"}))
    assert found == {"m-1": second}


async def test_a_coupon_keeps_its_scope_and_validity_and_bumps_its_version(sessions):
    scoped = Coupon("P20", CouponKind.PERCENT, "CNY", percent=20, min_spend_amount=5000, merchant_id="m-1",
                    skus=frozenset({"SKU-B", "SKU-A"}), valid_from=T0, valid_until=T0 + timedelta(days=7),
                    per_buyer_limit=1, total_quantity=100, updated_at=T0)
    first = await in_tx(sessions, lambda repo: repo.put_coupon(scoped))
    second = await in_tx(sessions, lambda repo: repo.put_coupon(coupon("P20")))
    assert first == scoped
    assert second.version == 2 and second.skus is None and second.kind is CouponKind.FIXED
    found = await in_tx(sessions, lambda repo: repo.coupons({"P20", "NONE"}, lock=True))
    assert found == {"P20": second}


async def test_coupon_uses_count_the_holds_not_returned_in_all_and_of_the_buyer(sessions):
    async def seed(repo):
        await repo.put_coupon(coupon())
        await repo.put_coupon(coupon("OTHER"))
        await repo.hold_coupons("o-1", "b-1", ["SAVE10", "OTHER"], T0)
        await repo.hold_coupons("o-2", "b-1", ["SAVE10"], T0)
        await repo.hold_coupons("o-3", "b-2", ["SAVE10"], T0)
    await in_tx(sessions, seed)
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("SAVE10", "b-1")) == CouponUses(3, 2)
    assert await in_tx(sessions, lambda repo: repo.return_coupons("o-2", T0)) == ["SAVE10"]
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("SAVE10", "b-1")) == CouponUses(2, 1)
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("SAVE10", "b-3")) == CouponUses(2, 0)
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("NONE", "b-1")) == CouponUses(0, 0)


async def test_holding_again_and_returning_again_change_nothing(sessions):
    async def seed(repo):
        await repo.put_coupon(coupon())
        await repo.put_coupon(coupon("OTHER"))
        await repo.hold_coupons("o-1", "b-1", ["SAVE10", "OTHER"], T0)
        await repo.hold_coupons("o-1", "b-1", ["SAVE10"], T0)
    await in_tx(sessions, seed)
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("SAVE10", "b-1")) == CouponUses(1, 1)
    assert await in_tx(sessions, lambda repo: repo.return_coupons("o-1", T0)) == ["OTHER", "SAVE10"]
    assert await in_tx(sessions, lambda repo: repo.return_coupons("o-1", T0)) == []
    assert await in_tx(sessions, lambda repo: repo.coupon_uses("SAVE10", "b-1")) == CouponUses(0, 0)


async def test_locked_coupons_make_a_second_locker_wait_until_the_first_commits(sessions):
    await in_tx(sessions, lambda repo: repo.put_coupon(coupon()))
    async with sessions.begin() as first:
        await SqlaCatalogRepository(first).coupons({"SAVE10"}, lock=True)
        second = asyncio.create_task(in_tx(sessions, lambda repo: repo.coupons({"SAVE10"}, lock=True)))

        async def waiting_on_a_lock() -> int:
            async with sessions() as observer:
                return (await observer.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"))).scalar_one()
        await poll_until(waiting_on_a_lock, lambda n: n == 1, timeout=10, what="the second locker to wait")
        assert not second.done()
    assert set(await asyncio.wait_for(second, 10)) == {"SAVE10"}


async def test_the_points_balance_sums_the_signed_entries_listed_newest_first(sessions):
    entries = [PointsEntry("b-1", 500, PointsEntryKind.EARNED, T0, reason="welcome", actor="staff:s1"),
               PointsEntry("b-1", -120, PointsEntryKind.SPENT, T0 + timedelta(minutes=1), order_id="o-1"),
               PointsEntry("b-2", 70, PointsEntryKind.EARNED, T0)]

    async def seed(repo):
        for entry in entries:
            await repo.add_points(entry)
    await in_tx(sessions, seed)
    assert await in_tx(sessions, lambda repo: repo.points_balance("b-1")) == 380
    assert await in_tx(sessions, lambda repo: repo.points_balance("b-9")) == 0
    assert await in_tx(sessions, lambda repo: repo.points_entries("b-1")) == [entries[1], entries[0]]
    assert await in_tx(sessions, lambda repo: repo.points_entries("b-1", limit=1)) == [entries[1]]


async def test_an_order_gives_back_the_points_it_spent_once(sessions):
    async def seed(repo):
        await repo.add_points(PointsEntry("b-1", 1000, PointsEntryKind.EARNED, T0))
        await repo.add_points(PointsEntry("b-1", -300, PointsEntryKind.SPENT, T0, order_id="o-1"))
        await repo.add_points(PointsEntry("b-1", -200, PointsEntryKind.SPENT, T0, order_id="o-2"))
    await in_tx(sessions, seed)
    later = T0 + timedelta(hours=1)
    first, again = await asyncio.gather(*(in_tx(sessions, lambda repo: repo.return_points("o-1", later))
                                          for _ in range(2)))
    assert sorted((first, again)) == [0, 300]
    assert await in_tx(sessions, lambda repo: repo.return_points("o-1", later)) == 0
    assert await in_tx(sessions, lambda repo: repo.return_points("o-never-spent", later)) == 0
    assert await in_tx(sessions, lambda repo: repo.points_balance("b-1")) == 800
    newest = (await in_tx(sessions, lambda repo: repo.points_entries("b-1")))[0]
    assert newest == PointsEntry("b-1", 300, PointsEntryKind.RETURNED, later, order_id="o-1", actor="system")


async def test_points_come_back_under_a_generic_plan_too(sessions):
    """A prepared statement's plan turns generic after a few runs (a long-lived service's case):
    the return must still find its arbiter index (it once did not: a bound predicate)."""
    async with sessions.begin() as session:
        await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        repo = SqlaCatalogRepository(session)
        await repo.add_points(PointsEntry("b-g", 500, PointsEntryKind.EARNED, T0, reason="welcome"))
        for n in range(3):
            await repo.add_points(PointsEntry("b-g", -100, PointsEntryKind.SPENT, T0, order_id=f"o-g{n}"))
            assert await repo.return_points(f"o-g{n}", T0) == 100
            assert await repo.return_points(f"o-g{n}", T0) == 0
        assert await repo.points_balance("b-g") == 500
