"""The server prices a checkout from the price book (API.md "Orders", "Catalog"): by hand for the
rules, and with hypothesis for exactness at every level."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_order.domain.catalog import CatalogSku, Coupon, CouponKind, CouponUses, FreightTemplate, RegionRate
from tradeflow_order.domain.errors import CouponUnavailable, InsufficientPoints, InvalidOrder, PriceChanged
from tradeflow_order.domain.model import DeliveryMethod, OrderType, Receiver
from tradeflow_order.domain.placement import Buyer, assemble
from tradeflow_order.domain.quoting import Checkout, CheckoutLine, PriceBook, check_expectations, price_checkout

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
BUYER = Buyer("b1", "app", "CNY", Receiver("Li Lei", "13800000000", "east", "Shanghai", "1 Road"))
SKUS = {
    "TEA": CatalogSku("TEA", "m1", "Tea", 3000, "CNY", weight_grams=500, version=3),
    "POT": CatalogSku("POT", "m1", "Teapot", 9000, "CNY", weight_grams=1800, fragile=True),
    "BOOK": CatalogSku("BOOK", "m2", "Book", 5000, "CNY", weight_grams=400),
    "COURSE": CatalogSku("COURSE", "m2", "Course", 20000, "CNY", kind="virtual"),
}
FREIGHT = {"m1": FreightTemplate("m1", 800, 200, free_above_amount=50000, regions={"west": RegionRate(1500, 500)}),
           "m2": FreightTemplate("m2", 600, 100)}


def _ids():
    counter = itertools.count()
    return lambda prefix: f"{prefix}-{next(counter)}"


def book(coupons=(), uses=None, points=0, skus=SKUS, freight=FREIGHT) -> PriceBook:
    return PriceBook(dict(skus), dict(freight), {c.code: c for c in coupons}, uses or {}, points, NOW)


def checkout(*lines, **terms) -> Checkout:
    return Checkout(BUYER, [CheckoutLine(*ln) for ln in lines], **terms)


def test_lines_take_the_catalog_price_kind_title_and_version():
    quote = price_checkout(checkout(("TEA", 2), ("COURSE", 1)), book(), _ids())
    tea, course = quote.lines
    assert (tea.merchant_id, tea.unit_price_amount, tea.title, tea.sku_version, tea.kind) == ("m1", 3000, "Tea", 3,
                                                                                               "physical")
    assert (course.merchant_id, course.kind, course.shipping_amount) == ("m2", "virtual", 0)
    assert (tea.weight_grams, tea.volume_cm3, tea.oversize) == (500, 0, False)  # per unit, for fulfillment


def test_shipping_is_each_merchants_template_by_weight_over_its_physical_lines():
    # m1: 2 × 500 g + 1 800 g = 2 800 g → the first kg 800, two more started kg 2 × 200 → 1 200
    # m2: 400 g → 600; the course ships nothing
    quote = price_checkout(checkout(("TEA", 2), ("POT", 1), ("BOOK", 1), ("COURSE", 1)), book(), _ids())
    tea, pot, book_line, course = quote.lines
    assert tea.shipping_amount + pot.shipping_amount == 1200
    assert (tea.shipping_amount, pot.shipping_amount) == (1200 * 6000 // 15000, 1200 - 1200 * 6000 // 15000)
    assert (book_line.shipping_amount, course.shipping_amount) == (600, 0)
    assert quote.shipping_amount == 1800


def test_a_region_rate_free_shipping_and_self_pickup():
    west = Buyer("b1", "app", "CNY", Receiver("n", "13800000000", "west", "Chengdu", "2 Road"))
    assert price_checkout(Checkout(west, [CheckoutLine("TEA", 3)]), book(), _ids()).shipping_amount == 1500 + 500
    assert price_checkout(checkout(("POT", 6)), book(), _ids()).shipping_amount == 0  # 54 000 ≥ 50 000
    pickup = checkout(("TEA", 1), ("BOOK", 1), delivery_method=DeliveryMethod.SELF_PICKUP)
    assert price_checkout(pickup, book(), _ids()).shipping_amount == 0
    assert price_checkout(checkout(("BOOK", 1)), book(freight={}), _ids()).shipping_amount == 0  # no template


def test_an_order_wide_coupon_is_apportioned_by_line_goods_amount_checked_by_hand():
    coupon = Coupon("TEN", CouponKind.FIXED, "CNY", amount=1000)
    quote = price_checkout(checkout(("TEA", 1), ("POT", 1), ("BOOK", 1), coupon_codes=["TEN"]), book([coupon]), _ids())
    # goods 3 000, 9 000, 5 000 = 17 000: 1 000 × 3 000 // 17 000 = 176, × 9 000 // 17 000 = 529, the last 295
    assert [ln.discounts for ln in quote.lines] == [{"coupon": 176}, {"coupon": 529}, {"coupon": 295}]
    assert [c.amount for c in quote.terms.coupons] == [1000]


def test_a_merchant_coupon_by_percent_takes_only_its_goods_and_points_then_take_every_line():
    coupon = Coupon("M1-10", CouponKind.PERCENT, "CNY", percent=10, merchant_id="m1")
    quote = price_checkout(checkout(("TEA", 1), ("POT", 1), ("BOOK", 1), coupon_codes=["M1-10"], points_amount=170),
                           book([coupon], points=500), _ids())
    tea, pot, book_line = quote.lines
    assert (tea.discounts["coupon"], pot.discounts["coupon"], "coupon" in book_line.discounts) == (300, 900, False)
    assert [ln.discounts["points"] for ln in quote.lines] == [30, 90, 50]  # 170 by 3 000 : 9 000 : 5 000
    assert quote.paid_amount == 17000 + quote.shipping_amount - 1200 - 170


def test_a_cap_binds_and_the_rest_of_that_discount_goes_to_the_other_lines_in_scope():
    promo = Coupon("TEA-90", CouponKind.PERCENT, "CNY", percent=90, skus=frozenset({"TEA"}))
    whole = Coupon("HALF", CouponKind.FIXED, "CNY", amount=6000)
    quote = price_checkout(checkout(("TEA", 1), ("POT", 1), coupon_codes=["TEA-90", "HALF"]),
                           book([promo, whole]), _ids())
    tea, pot = quote.lines
    # TEA-90: 2 700 on tea. HALF: by goods tea would take 6 000 × 3 000 // 12 000 = 1 500 but only 300 is
    # left of its goods; it takes 300 and the other 5 700 goes to the pot.
    assert tea.discounts == {"coupon": 2700 + 300}
    assert pot.discounts == {"coupon": 5700}
    assert all(ln.goods_amount - ln.discount_amount >= 0 for ln in quote.lines)


@pytest.mark.parametrize(("coupon", "uses", "why"), [
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, total_quantity=5), CouponUses(5, 0), "used up"),
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, per_buyer_limit=1), CouponUses(1, 1), "1 time"),
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, valid_until=NOW), CouponUses(0, 0), "not valid now"),
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, valid_from=NOW + timedelta(days=1)), CouponUses(0, 0),
     "not valid now"),
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, min_spend_amount=3001), CouponUses(0, 0), "needs 3001"),
    (Coupon("C", CouponKind.FIXED, "CNY", amount=1, merchant_id="m9"), CouponUses(0, 0), "none of these goods"),
])
def test_a_coupon_that_cannot_be_used_is_refused_saying_why(coupon, uses, why):
    with pytest.raises(CouponUnavailable, match=why) as refused:
        price_checkout(checkout(("TEA", 1), coupon_codes=["C"]), book([coupon], {"C": uses}), _ids())
    assert refused.value.field == "coupon_codes.0"


def test_unknown_or_repeated_coupons_unknown_skus_and_points_beyond_the_goods_name_their_field():
    with pytest.raises(InvalidOrder) as unknown_sku:
        price_checkout(checkout(("TEA", 1), ("NOPE", 1)), book(), _ids())
    assert (unknown_sku.value.field, str(unknown_sku.value)) == ("lines.1.sku", "unknown SKU NOPE")
    with pytest.raises(InvalidOrder) as unknown_coupon:
        price_checkout(checkout(("TEA", 1), coupon_codes=["X"]), book(), _ids())
    assert unknown_coupon.value.field == "coupon_codes.0"
    coupon = Coupon("C", CouponKind.FIXED, "CNY", amount=1)
    with pytest.raises(InvalidOrder) as twice:
        price_checkout(checkout(("TEA", 1), coupon_codes=["C", "C"]), book([coupon]), _ids())
    assert twice.value.field == "coupon_codes.1"
    with pytest.raises(InvalidOrder, match="at most 3000 points") as too_many:
        price_checkout(checkout(("TEA", 1), points_amount=3001), book(points=10_000), _ids())
    assert too_many.value.field == "points_amount"
    with pytest.raises(InsufficientPoints):
        price_checkout(checkout(("TEA", 1), points_amount=101), book(points=100), _ids())
    usd = dict(SKUS) | {"TEA": CatalogSku("TEA", "m1", "Tea", 3000, "USD")}
    with pytest.raises(InvalidOrder, match="priced in USD"):
        price_checkout(checkout(("TEA", 1)), book(skus=usd), _ids())


def test_order_types_must_fit_the_goods():
    with pytest.raises(InvalidOrder) as virtual:
        price_checkout(checkout(("TEA", 1), type=OrderType.VIRTUAL), book(), _ids())
    assert virtual.value.field == "type"
    with pytest.raises(InvalidOrder):
        price_checkout(checkout(("COURSE", 1), type=OrderType.PRE_SALE), book(), _ids())
    assert price_checkout(checkout(("COURSE", 1), type=OrderType.VIRTUAL), book(), _ids()).paid_amount == 20000


def test_what_the_buyer_was_shown_must_be_what_it_costs():
    shown = checkout(("TEA", 1, 2500), ("BOOK", 1, 5000), expected_paid_amount=8000)
    quote = price_checkout(shown, book(), _ids())
    with pytest.raises(PriceChanged) as changed:
        check_expectations(shown, quote)
    assert [field for field, _ in changed.value.differences] == ["lines.0.unit_price_amount", "expected_paid_amount"]
    assert changed.value.quote is quote
    right = checkout(("TEA", 1, 3000), expected_paid_amount=quote_paid(("TEA", 1)))
    check_expectations(right, price_checkout(right, book(), _ids()))


def quote_paid(*lines) -> int:
    return price_checkout(checkout(*lines), book(), _ids()).paid_amount


sku_st = st.builds(lambda i, merchant, price, grams, virtual: CatalogSku(
    f"S{i}", merchant, f"SKU {i}", price, "CNY", kind="virtual" if virtual else "physical", weight_grams=grams),
    st.integers(0, 10**6), st.sampled_from(["m1", "m2", "m3"]), st.integers(0, 100_000), st.integers(0, 5000),
    st.booleans())


@st.composite
def priced_checkouts(draw):
    skus = {s.sku: s for s in draw(st.lists(sku_st, min_size=1, max_size=8, unique_by=lambda s: s.sku))}
    lines = draw(st.lists(st.tuples(st.sampled_from(sorted(skus)), st.integers(1, 20)), min_size=1, max_size=10))
    freight = {m: FreightTemplate(m, draw(st.integers(0, 2000)), draw(st.integers(0, 500)),
                                  draw(st.none() | st.integers(0, 10**6))) for m in ("m1", "m2")}
    coupons = []
    for n in range(draw(st.integers(0, 3))):
        scope = draw(st.none() | st.frozensets(st.sampled_from(sorted(skus)), min_size=1))
        merchant = draw(st.none() | st.sampled_from(["m1", "m2", "m3"]))
        if draw(st.booleans()):
            coupons.append(Coupon(f"C{n}", CouponKind.PERCENT, "CNY", percent=draw(st.integers(1, 100)),
                                  merchant_id=merchant, skus=scope))
        else:
            coupons.append(Coupon(f"C{n}", CouponKind.FIXED, "CNY", amount=draw(st.integers(0, 10**6)),
                                  merchant_id=merchant, skus=scope))
    return skus, lines, freight, coupons, draw(st.integers(0, 10**6))


@settings(max_examples=300, deadline=None)
@given(priced_checkouts())
def test_any_priced_checkout_reconciles_to_the_cent_at_every_level(case):
    skus, lines, freight, coupons, points = case
    request = checkout(*lines, coupon_codes=[c.code for c in coupons], points_amount=points)
    try:
        quote = price_checkout(request, book(coupons, points=10**7, skus=skus, freight=freight), _ids())
    except (CouponUnavailable, InvalidOrder):
        return  # a coupon for none of these goods, or more points than the goods: refused, not mispriced
    for line in quote.lines:
        assert 0 <= line.discount_amount <= line.goods_amount  # shipping is never discounted
        assert line.paid_amount == line.goods_amount + line.shipping_amount - line.discount_amount
    assert sum(ln.discounts.get("coupon", 0) for ln in quote.lines) == sum(c.amount for c in quote.terms.coupons)
    assert sum(ln.discounts.get("points", 0) for ln in quote.lines) == points
    for applied, coupon in zip(quote.terms.coupons, coupons, strict=True):
        in_scope = [ln for ln in quote.lines if coupon.covers(ln.sku, ln.merchant_id)]
        assert applied.amount <= coupon.discount(sum(ln.goods_amount for ln in in_scope))
    order = assemble(BUYER, quote.lines, quote.terms, _ids(), "buyer:b1", NOW)
    assert (order.goods_amount, order.shipping_amount, order.discount_amount, order.paid_amount) == (
        quote.goods_amount, quote.shipping_amount, quote.discount_amount, quote.paid_amount)
    for sub in order.sub_orders:
        assert sub.paid_amount == sum(ln.paid_amount for ln in sub.lines)
        template = freight.get(sub.merchant_id)
        shipped = [ln for ln in sub.lines if ln.kind == "physical"]
        expected = template.fee(sum(skus[ln.sku].weight_grams * ln.quantity for ln in shipped), sub.goods_amount,
                                "east") if template and shipped else 0
        assert sub.shipping_amount == expected
