"""The one rounding rule: shares always sum to the amount, never pass their caps, and units taken
in any steps take exactly the whole."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeflow_money import apportion, units_part


def test_the_last_share_takes_the_remainder():
    assert apportion(100, [1, 1, 1]) == [33, 33, 34]


def test_a_capped_share_takes_its_cap_and_the_rest_goes_to_the_others():
    assert apportion(100, [1, 1, 1], caps=[10, 100, 100]) == [10, 45, 45]


def test_weights_all_zero_give_everything_to_the_last():
    assert apportion(7, [0, 0]) == [0, 7]


def test_an_amount_beyond_the_caps_or_no_weights_is_refused():
    with pytest.raises(ValueError, match="exceeds"):
        apportion(11, [1, 1], caps=[5, 5])
    with pytest.raises(ValueError, match="nothing"):
        apportion(1, [])


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=8).flatmap(
    lambda caps: st.tuples(st.integers(0, sum(caps)), st.just(caps),
                           st.lists(st.integers(0, 50), min_size=len(caps), max_size=len(caps)))))
def test_capped_shares_sum_to_the_amount_and_fit(case):
    amount, caps, weights = case
    shares = apportion(amount, weights, caps)
    assert sum(shares) == amount
    assert all(0 <= s <= c for s, c in zip(shares, caps, strict=True))


@given(st.integers(0, 1_000_000), st.integers(1, 50), st.data())
def test_units_taken_in_any_steps_take_exactly_the_amount(amount, total, data):
    before, taken, parts = 0, 0, []
    while before < total:
        quantity = data.draw(st.integers(1, total - before))
        part = units_part(amount, total, before, quantity, taken)
        parts.append(part)
        before, taken = before + quantity, taken + part
    assert sum(parts) == amount and all(p >= 0 for p in parts)
