"""The price book's rules (domain/catalog.py): freight by started kilogram, region and free
threshold; what a coupon covers, when it is valid and what it takes off."""

from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_order.domain.catalog import Coupon, CouponKind, FreightTemplate, RegionRate

TEMPLATE = FreightTemplate("m-1", base_amount=800, per_kg_amount=200, free_above_amount=9900,
                           regions={"west": RegionRate(1500, 400)})
T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(("grams", "fee"), [
    (0, 800), (1, 800), (1000, 800),  # the base covers the first kilogram
    (1001, 1000), (2000, 1000),  # each started kilogram beyond it adds per_kg
    (2500, 800 + 2 * 200), (10_000, 800 + 9 * 200),
])
def test_freight_is_the_base_plus_each_started_kilogram_beyond_the_first(grams, fee):
    assert TEMPLATE.fee(grams, goods_amount=100, region="east") == fee


def test_a_region_rate_replaces_both_base_and_per_kilogram():
    assert TEMPLATE.fee(2500, goods_amount=100, region="west") == 1500 + 2 * 400
    assert TEMPLATE.fee(2500, goods_amount=100, region="West") == 800 + 2 * 200  # regions match exactly


def test_a_sub_order_ships_free_once_its_goods_reach_the_threshold():
    assert TEMPLATE.fee(2500, goods_amount=9899, region="west") == 2300
    assert TEMPLATE.fee(2500, goods_amount=9900, region="west") == 0
    assert TEMPLATE.fee(50_000, goods_amount=10_000, region="east") == 0


def test_without_a_threshold_nothing_ships_free():
    never_free = FreightTemplate("m-1", 800, 200)
    assert never_free.fee(500, goods_amount=10**12, region="east") == 800


def coupon(**fields) -> Coupon:
    return Coupon("C1", fields.pop("kind", CouponKind.FIXED), "CNY", **fields)


@pytest.mark.parametrize(("percent", "goods", "off"), [
    (15, 999, 149),  # 149.85 floored
    (10, 999, 99), (33, 100, 33), (1, 99, 0), (100, 12345, 12345), (50, 1, 0),
])
def test_a_percent_coupon_takes_its_share_of_the_goods_floored(percent, goods, off):
    assert coupon(kind=CouponKind.PERCENT, percent=percent).discount(goods) == off


def test_a_fixed_coupon_takes_its_amount_but_never_more_than_the_goods():
    assert coupon(amount=1000).discount(5000) == 1000
    assert coupon(amount=1000).discount(600) == 600
    assert coupon(amount=1000).discount(0) == 0


def test_a_coupon_without_merchant_or_skus_covers_every_line():
    assert coupon(amount=1).covers("SKU-A", "m-1") and coupon(amount=1).covers("SKU-Z", "m-9")


def test_a_scoped_coupon_covers_only_its_merchants_listed_skus():
    by_merchant = coupon(amount=1, merchant_id="m-1")
    by_skus = coupon(amount=1, skus=frozenset({"SKU-A"}))
    both = coupon(amount=1, merchant_id="m-1", skus=frozenset({"SKU-A"}))
    assert by_merchant.covers("SKU-Z", "m-1") and not by_merchant.covers("SKU-A", "m-2")
    assert by_skus.covers("SKU-A", "m-2") and not by_skus.covers("SKU-B", "m-1")
    assert both.covers("SKU-A", "m-1") and not both.covers("SKU-A", "m-2") and not both.covers("SKU-B", "m-1")


def test_a_coupon_is_valid_from_its_start_until_just_before_its_end():
    week = coupon(amount=1, valid_from=T0, valid_until=T0 + timedelta(days=7))
    assert not week.valid_at(T0 - timedelta(microseconds=1))
    assert week.valid_at(T0) and week.valid_at(T0 + timedelta(days=7) - timedelta(microseconds=1))
    assert not week.valid_at(T0 + timedelta(days=7))
    assert coupon(amount=1).valid_at(datetime(1970, 1, 1, tzinfo=UTC))
    assert coupon(amount=1, valid_until=T0).valid_at(T0 - timedelta(days=3650))


def test_the_minimum_spend_compares_the_goods_in_scope():
    assert not coupon(amount=1, min_spend_amount=5000).reaches_min_spend(4999)
    assert coupon(amount=1, min_spend_amount=5000).reaches_min_spend(5000)
    assert coupon(amount=1, min_spend_amount=0).reaches_min_spend(0)
    assert coupon(amount=1).reaches_min_spend(0)
