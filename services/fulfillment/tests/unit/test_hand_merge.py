"""Staff merge held shipments by hand (DOMAIN §4 合单, issue 11): after the merge window too, the
named shipments' lines join the target, which records a merge per order it gained and is due at
once; the merged ones hold nothing more and are cancelled; the window's goods rules still hold,
and each refusal names its rule and the shipment."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import CannotMerge
from tradeflow_fulfillment.domain.events import LinesPlanned, MergedAway, StatusChanged
from tradeflow_fulfillment.domain.model import Flag
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, LIMITS, RECEIVER, WINDOW, line, paid, plan, units

S, E = ShipmentStatus, ShipmentEvent
LATER = AT + 3 * WINDOW  # long after every window: nothing merges by itself any more
STAFF = "staff:s-1"


def held(order_id: str, *, at=AT, buyer_id="b-1", receiver=RECEIVER, **fields):
    """The one shipment of `order_id`, a line `<order_id>-l` of one unit (1 kg unless told)."""
    fields = {"weight_grams": 1_000} | fields
    [s] = plan(paid(line(f"{order_id}-l", **fields), order_id=order_id, buyer_id=buyer_id, receiver=receiver),
               at=at)
    s.pull_events()
    return s


def test_staff_merge_held_shipments_after_the_window_into_one_due_at_once():
    target, a, b = held("o-1"), held("o-2", at=AT + WINDOW), held("o-3", at=AT + 2 * WINDOW)
    target.merge_by_hand([a, b], LATER, LIMITS, STAFF, "one parcel, asked by phone")
    assert (units([target]), target.order_ids, target.status, target.dispatch_after) == (
        [[("o-1-l", 1), ("o-2-l", 1), ("o-3-l", 1)]], ("o-1", "o-2", "o-3"), S.READY, AT + WINDOW)
    assert [(h.event, h.source, h.detail) for h in target.history[1:]] == [
        (E.MERGE, STAFF, f"o-2 from {a.id}: one parcel, asked by phone"),
        (E.MERGE, STAFF, f"o-3 from {b.id}: one parcel, asked by phone")]
    assert target.pull_events() == [LinesPlanned("o-2"), LinesPlanned("o-3")]
    assert target.is_due(LATER)


def test_merged_inside_the_window_the_shipment_is_due_at_once_all_the_same():
    target, other = held("o-1"), held("o-2", at=AT + timedelta(minutes=1))
    target.merge_by_hand([other], AT + timedelta(minutes=2), LIMITS, STAFF)
    assert (target.dispatch_after, target.is_due(AT + timedelta(minutes=2))) == (AT + timedelta(minutes=2), True)


def test_the_merged_shipments_hold_nothing_more_and_are_cancelled_merged_into_the_target():
    target, other = held("o-1"), held("o-2")
    target.merge_by_hand([other], LATER, LIMITS, STAFF)
    assert (other.status, other.lines, other.order_ids, other.order_id) == (S.CANCELLED, (), (), None)
    assert (other.history[-1].event, other.history[-1].source, other.history[-1].detail) == (
        E.CANCEL, STAFF, f"merged into {target.id}")
    assert other.pull_events() == [MergedAway("o-2", S.READY, target.id),
                                   StatusChanged(S.READY, S.CANCELLED, E.CANCEL, LATER, STAFF)]


def test_shipments_in_review_merge_and_the_whole_waits_for_review():
    target, other = held("o-1", paid_amount=2_100_000), held("o-2", paid_amount=2_100_000)
    target.merge_by_hand([other], LATER, LIMITS, STAFF)
    assert (target.status, Flag.HIGH_VALUE in target.flags, target.value_amount) == (
        S.PENDING_REVIEW, True, 4_200_000)
    assert target.pull_events() == [LinesPlanned("o-2")]  # in review before, in review still: no move
    target.approve(LATER, STAFF)
    assert target.is_due(LATER)  # approved, it goes at once


def test_merged_above_the_high_value_threshold_the_target_goes_back_to_review():
    target, other = held("o-1", paid_amount=1_500_000), held("o-2", paid_amount=600_000)
    target.merge_by_hand([other], LATER, LIMITS, STAFF)
    assert (target.status, target.history[-1].event, target.history[-1].detail) == (
        S.PENDING_REVIEW, E.HOLD, "high value once merged")


def test_a_shipment_in_review_merged_into_a_ready_one_keeps_the_whole_in_review():
    target, in_review = held("o-1"), held("o-2")
    in_review.hold("dispatch refused: address unknown", AT, "fulfillment")
    target.merge_by_hand([in_review], LATER, LIMITS, STAFF)
    assert (target.status, target.history[-1].detail) == (S.PENDING_REVIEW, f"merged with {in_review.id}, in review")


def dispatched(s):
    s.dispatch(s.next_dispatch_number, "SF", "WB-1", AT + WINDOW)
    return s


def being_dispatched(s):
    s.begin_dispatch(AT + WINDOW, timedelta(seconds=60))
    return s


def cancelled(s):
    s.cancel("order cancelled", AT, "fulfillment")
    return s


def awaiting(s):
    s.await_stock([f"{s.order_id}-s1"], AT)
    return s


@pytest.mark.parametrize(("make", "slug"), [
    (dispatched, "merge-not-held"),
    (cancelled, "merge-not-held"),
    (being_dispatched, "merge-dispatch-under-way"),
    (awaiting, "merge-awaiting-stock"),
], ids=["dispatched", "cancelled", "dispatch under way", "awaiting pre-sale goods"])
def test_only_shipments_held_before_dispatch_merge_whichever_side_they_are_on(make, slug):
    for target, other, named in ((make(held("o-1")), held("o-2"), 0), (held("o-1"), make(held("o-2")), 1)):
        with pytest.raises(CannotMerge) as refused:
            target.merge_by_hand([other], LATER, LIMITS, STAFF)
        assert (refused.value.slug, refused.value.shipment_id) == (slug, (target, other)[named].id)
        assert (target.order_ids, len(target.lines), len(other.lines)) == (("o-1",), 1, 1)  # nothing moved


@pytest.mark.parametrize(("other", "slug"), [
    ({"buyer_id": "b-2"}, "merge-other-buyer"),
    ({"receiver": replace(RECEIVER, address="9 Other Rd")}, "merge-other-receiver"),
    ({"warehouses": [("WH-2", 1)]}, "merge-other-warehouse"),
    ({"oversize": True}, "merge-ships-alone"),
    ({"fragile": True}, "merge-fragile-apart"),
    ({"weight_grams": 19_500}, "merge-over-parcel-limit"),  # with the target's 1 kg: 20.5 kg > 20 kg
], ids=["buyer", "receiver", "warehouse", "oversize", "fragile", "over the limit"])
def test_the_window_rules_but_the_window_still_hold(other, slug):
    target, refused_one = held("o-1"), held("o-2", **other)
    with pytest.raises(CannotMerge, match=refused_one.id) as refused:
        target.merge_by_hand([refused_one], LATER, LIMITS, STAFF)
    assert (refused.value.slug, refused.value.shipment_id) == (slug, refused_one.id)
    assert (units([target]), target.history[-1].event, refused_one.status) == ([[("o-1-l", 1)]], E.PLAN, S.READY)


def test_the_parcel_limit_counts_every_shipment_merged_at_once():
    target, a, b = held("o-1", weight_grams=8_000), held("o-2", weight_grams=8_000), held("o-3", weight_grams=8_000)
    with pytest.raises(CannotMerge, match="24000 g") as refused:
        target.merge_by_hand([a, b], LATER, LIMITS, STAFF)
    assert (refused.value.slug, refused.value.shipment_id) == ("merge-over-parcel-limit", b.id)
    assert (a.status, target.order_ids) == (S.READY, ("o-1",))  # nothing merged: all or none


def test_one_orders_shipments_never_merge():
    [first, second] = plan(paid(line("l-1", weight_grams=15_000), line("l-2", weight_grams=15_000)), at=AT)
    with pytest.raises(CannotMerge, match="order o-1") as refused:
        first.merge_by_hand([second], LATER, LIMITS, STAFF)
    assert (refused.value.slug, refused.value.shipment_id) == ("merge-same-order", second.id)


def test_a_shipment_named_twice_or_the_target_itself_is_refused():
    target, other = held("o-1"), held("o-2")
    for named in ([other, other], [target], []):
        with pytest.raises(CannotMerge) as refused:
            target.merge_by_hand(named, LATER, LIMITS, STAFF)
        assert refused.value.slug == "merge-same-shipment"
    assert (target.order_ids, other.status) == (("o-1",), S.READY)
