"""Every level reconciles to the cent, for any cart (hypothesis)."""

import itertools
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_money import apportion
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.placement import Cart, CartLine, place
from tradeflow_order.domain.pricing import Discount

NOW = datetime(2026, 11, 21, tzinfo=UTC)
RECEIVER = Receiver("Li Lei", "13800000000", "east", "Shanghai", "1 Road")
SKUS = [f"SKU-{i}" for i in range(6)]


def _ids():
    counter = itertools.count()
    return lambda prefix: f"{prefix}-{next(counter)}"


lines_st = st.lists(st.builds(CartLine, sku=st.sampled_from(SKUS), merchant_id=st.sampled_from(["m1", "m2", "m3"]),
                              quantity=st.integers(1, 20), unit_price_amount=st.integers(0, 100_000)),
                    min_size=1, max_size=12)


@st.composite
def carts(draw):
    lines = draw(lines_st)
    goods = sum(ln.quantity * ln.unit_price_amount for ln in lines)
    discounts, taken = [], 0
    for kind in draw(st.lists(st.sampled_from(["coupon", "promotion", "points", "member"]), max_size=4)):
        skus = draw(st.one_of(st.none(), st.frozensets(st.sampled_from([ln.sku for ln in lines]), min_size=1)))
        scope = sum(ln.quantity * ln.unit_price_amount for ln in lines if skus is None or ln.sku in skus)
        amount = draw(st.integers(0, max(0, min(goods, scope) - taken) // 2))  # within what its goods still cost
        taken += amount
        discounts.append(Discount(kind, amount, skus))
    return Cart("b1", "app", "CNY", RECEIVER, lines, draw(st.integers(0, 50_000)), discounts)


@settings(max_examples=300, deadline=None)
@given(carts())
def test_every_level_reconciles_to_the_cent(cart):
    order = place(cart, _ids(), "buyer", NOW)
    total_discount = sum(d.amount for d in cart.discounts)
    assert order.goods_amount == sum(ln.quantity * ln.unit_price_amount for ln in cart.lines)
    assert order.shipping_amount == cart.shipping_amount
    assert order.discount_amount == total_discount
    assert order.paid_amount == order.goods_amount + order.shipping_amount - order.discount_amount
    for sub in order.sub_orders:
        assert sub.paid_amount == sum(ln.paid_amount for ln in sub.lines)
        assert {ln.merchant_id for ln in sub.lines} == {sub.merchant_id}
        for line in sub.lines:
            assert 0 <= line.discount_amount <= line.goods_amount
            assert line.paid_amount >= 0
    for kind in {d.kind for d in cart.discounts}:
        expected = sum(d.amount for d in cart.discounts if d.kind == kind)
        assert sum(ln.discounts.get(kind, 0) for s in order.sub_orders for ln in s.lines) == expected


@settings(max_examples=200, deadline=None)
@given(carts())
def test_sku_specific_discounts_touch_only_their_lines(cart):
    order = place(cart, _ids(), "buyer", NOW)
    lines = [ln for s in order.sub_orders for ln in s.lines]
    only_specific = [d for d in cart.discounts if d.skus is not None]
    if only_specific and all(d.skus is not None for d in cart.discounts):
        allowed = set().union(*(d.skus for d in only_specific))
        assert all(ln.discount_amount == 0 for ln in lines if ln.sku not in allowed)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_apportion_adds_up_exactly(amount, weights):
    assert sum(apportion(amount, weights)) == amount


def test_the_last_line_takes_the_remainder():
    assert apportion(100, [1, 1, 1]) == [33, 33, 34]
    assert apportion(1000, [3000, 1000]) == [750, 250]


def test_a_line_at_its_cap_takes_the_cap_and_the_rest_is_apportioned_again_over_the_others():
    # by weight the first would take 600 of 1 000 but can take 100: the other 900 go 300 : 600... by weights 1 : 2
    assert apportion(1000, [6, 1, 2], caps=[100, 1000, 1000]) == [100, 300, 600]
    assert apportion(10, [1, 1], caps=[0, 10]) == [0, 10]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=20), st.data())
def test_capped_shares_add_up_and_never_pass_a_cap(lines, data):
    weights, caps = [w for w, _ in lines], [c for _, c in lines]
    amount = data.draw(st.integers(0, sum(caps)))
    shares = apportion(amount, weights, caps=caps)
    assert sum(shares) == amount
    assert all(0 <= share <= cap for share, cap in zip(shares, caps, strict=True))


def test_a_two_merchant_cart_splits_into_two_sub_orders_with_exact_amounts():
    cart = Cart("b1", "app", "CNY", RECEIVER,
                [CartLine("A", "m1", 2, 1999), CartLine("B", "m2", 1, 5000), CartLine("C", "m1", 3, 1000)],
                shipping_amount=1000, discounts=[Discount("coupon", 500), Discount("promotion", 300, frozenset({"B"}))])
    order = place(cart, _ids(), "buyer", NOW)
    m1, m2 = order.sub_orders
    assert (order.goods_amount, order.shipping_amount, order.discount_amount) == (11998, 1000, 800)
    assert order.paid_amount == 12198
    assert m2.lines[0].discounts == {"coupon": 208, "promotion": 300}  # 500 × 5000 // 11998: by goods amount
    assert m1.paid_amount + m2.paid_amount == 12198


@settings(max_examples=200, deadline=None)
@given(carts(), st.data())
def test_refunds_are_attributed_to_lines_exactly_and_never_beyond_what_a_line_paid(cart, data):
    order = place(cart, _ids(), "buyer:b1", NOW)
    lines = [ln for sub in order.sub_orders for ln in sub.lines]
    partial = sorted(data.draw(st.lists(st.integers(0, order.paid_amount), min_size=1, max_size=3)))
    for total in [*partial, order.paid_amount]:  # refunds add up over time; the last one refunds everything
        order.refunded(total, NOW)
        assert sum(ln.refunded_amount for ln in lines) == total
        assert all(0 <= ln.refunded_amount <= ln.paid_amount for ln in lines)
    assert [ln.refunded_amount for ln in lines] == [ln.paid_amount for ln in lines]
    assert order.payment_status == "refunded"
