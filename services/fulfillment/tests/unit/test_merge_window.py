"""The merge window (DOMAIN §4 合单): orders of the same buyer, receiver and warehouse planned
within the window of the first one travel as one shipment while none is dispatched — never
across warehouses, receivers or buyers, never beyond a parcel's limits — and an order leaves a
merged shipment again before dispatch."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import CannotMerge
from tradeflow_fulfillment.domain.events import LinesPlanned, StatusChanged
from tradeflow_fulfillment.domain.model import Flag
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, LIMITS, RECEIVER, RULES, WINDOW, line, paid, plan, units

S, E = ShipmentStatus, ShipmentEvent
SOON = AT + WINDOW - timedelta(seconds=1)


def first(**fields):
    [s] = plan(paid(line("a-1", **fields), order_id="o-a"))
    s.pull_events()
    return s


def second(at=SOON, *, order_id="o-b", **kw):
    order = paid(line("b-1", **kw.pop("line", {})), order_id=order_id, **kw)
    return plan(order, at=at)


def consolidate(waiting, planned, now=SOON):
    return RULES.merge.consolidate(planned, waiting, now, LIMITS)


def test_a_second_order_within_the_window_joins_the_waiting_shipment():
    waiting = first()
    new, joined = consolidate([waiting], second())
    assert (new, joined) == ([], [waiting])
    assert (units([waiting]), waiting.order_ids, waiting.sub_order_ids) == (
        [[("a-1", 1), ("b-1", 1)]], ("o-a", "o-b"), ("o-a-s1", "o-b-s1"))
    assert (waiting.status, waiting.dispatch_after) == (S.READY, AT + WINDOW)  # the first one's window
    assert waiting.pull_events() == [LinesPlanned("o-b")]
    assert [(h.event, h.detail) for h in waiting.history] == [(E.PLAN, "o-a"), (E.MERGE, "o-b")]


def test_the_same_receiver_written_differently_still_merges():
    written = replace(RECEIVER, name=" han  MEIMEI", phone="13912345678", address="2 west lake rd ")
    assert consolidate([first()], second(receiver=written))[0] == []


def test_once_the_window_passed_the_order_goes_as_it_is():
    waiting = first()
    planned = second(AT + WINDOW)
    assert consolidate([waiting], planned, AT + WINDOW) == (planned, [])
    assert waiting.is_due(AT + WINDOW)


@pytest.mark.parametrize("other", [
    {"buyer_id": "b-2"},
    {"receiver": replace(RECEIVER, address="9 Other Rd")},
    {"receiver": replace(RECEIVER, name="Li Lei")},
    {"line": {"warehouses": [("WH-2", 1)]}},
    {"line": {"fragile": True}},
    {"line": {"oversize": True}},
    {"line": {"weight_grams": 19_500}},  # with the first one's 1 kg: 20.5 kg, over the 20 kg limit
], ids=["buyer", "address", "receiver name", "warehouse", "fragile", "oversize", "over the limit together"])
def test_no_merge_across_buyers_receivers_warehouses_kinds_or_limits(other):
    waiting = first(weight_grams=1_000)
    planned = second(**other)
    assert consolidate([waiting], planned) == (planned, [])
    assert waiting.order_ids == ("o-a",) and waiting.pull_events() == []


def test_up_to_the_limit_together_they_merge():
    waiting = first(weight_grams=500)
    assert consolidate([waiting], second(line={"weight_grams": 19_500}))[0] == []
    assert waiting.weight_grams == LIMITS.max_weight_grams


def test_fragile_goods_merge_with_fragile_goods():
    waiting = first(fragile=True)
    assert consolidate([waiting], second(line={"fragile": True}))[0] == []


def test_no_merge_into_a_shipment_dispatched_or_in_review():
    dispatched, in_review = first(), first()
    dispatched.dispatch(dispatched.next_dispatch_number, "SF", "WB-1", AT)
    in_review.hold("check", AT, "staff:s-1")
    planned = second()
    assert consolidate([dispatched, in_review], planned) == (planned, [])
    with pytest.raises(CannotMerge, match="not waiting"):
        dispatched.merge(planned[0], SOON, LIMITS)


def test_the_earliest_waiting_shipment_takes_it():
    early, late = first(), first()
    late.planned_at += timedelta(minutes=1)
    assert consolidate([late, early], second())[1] == [early]


def test_merged_above_the_high_value_threshold_the_shipment_goes_back_to_review():
    waiting = first(paid_amount=1_500_000)
    consolidate([waiting], second(line={"paid_amount": 600_000}))
    assert (waiting.status, Flag.HIGH_VALUE in waiting.flags, waiting.value_amount) == (
        S.PENDING_REVIEW, True, 2_100_000)
    assert waiting.pull_events() == [LinesPlanned("o-b"), StatusChanged(S.READY, S.PENDING_REVIEW, E.HOLD, SOON,
                                                                         "fulfillment")]


def merged():
    waiting = first()
    consolidate([waiting], second(line={"paid_amount": 3_000_000}))  # in review now
    waiting.pull_events()
    return waiting


