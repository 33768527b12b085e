"""Properties of the split for any order (hypothesis): no unit is lost or invented, no parcel
breaks a limit unless it is one unit that alone does, fragile and oversize rules hold, and every
line's paid amount is shared to the cent."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_fulfillment.domain.model import Flag
from tradeflow_fulfillment.domain.paid import PaidLine

from .builders import LIMITS, paid, plan


@st.composite
def lines(draw) -> list[PaidLine]:
    result = []
    for i in range(draw(st.integers(1, 6))):
        codes = draw(st.lists(st.sampled_from(["WH-1", "WH-2", "WH-3"]), min_size=1, max_size=2, unique=True))
        shares = [(code, draw(st.integers(1, 4))) for code in codes]
        result.append(PaidLine(
            f"l-{i}", f"SKU-{i}", sum(u for _, u in shares), "physical", draw(st.integers(0, 3_000_000)),
            tuple(shares), fragile=draw(st.booleans()), oversize=draw(st.booleans()),
            weight_grams=draw(st.integers(0, 30_000)), volume_cm3=draw(st.integers(0, 120_000))))
    return result


@settings(max_examples=300)
@given(lines())
def test_any_order_splits_within_the_rules(order_lines):
    shipments = plan(paid(*order_lines))
    placed = Counter()
    for s in shipments:
        for ln in s.lines:
            placed[(ln.line_id, s.warehouse)] += ln.quantity
        fragile = {ln.fragile for ln in s.lines if not ln.oversize}
        assert len(fragile) <= 1, "fragile goods never share a parcel with others"
        if any(ln.oversize for ln in s.lines):
            assert len(s.lines) == 1, "an oversize line ships alone"
        if not LIMITS.fits(s.weight_grams, s.volume_cm3):
            assert [ln.quantity for ln in s.lines] == [1] and Flag.OVER_LIMIT in s.flags
        assert (Flag.HIGH_VALUE in s.flags) == (s.value_amount > LIMITS.high_value_amount)
    assert placed == Counter({(ln.line_id, code): units for ln in order_lines for code, units in ln.warehouses})
    shares = Counter()
    for s in shipments:
        for ln in s.lines:
            shares[ln.line_id] += ln.paid_amount
    assert shares == Counter({ln.line_id: ln.paid_amount for ln in order_lines if ln.paid_amount})
