"""Splitting a paid order into shipments (DOMAIN §4 拆单), each rule worked by hand."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import InvalidPaidOrder
from tradeflow_fulfillment.domain.events import LinesPlanned
from tradeflow_fulfillment.domain.model import Flag, Receiver
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

from .builders import AT, WINDOW, line, paid, plan, units

S = ShipmentStatus


def test_a_line_split_over_two_warehouses_ships_from_both_with_their_units():
    order = paid(line("l-1", 3, warehouses=[("WH-1", 2), ("WH-2", 1)]), line("l-2", 1, warehouses=[("WH-2", 1)]))
    shipments = plan(order)
    assert [(s.warehouse, units([s])[0]) for s in shipments] == [
        ("WH-1", [("l-1", 2)]), ("WH-2", [("l-1", 1), ("l-2", 1)])]
    assert {s.status for s in shipments} == {S.READY}


def test_each_shipment_knows_its_order_sub_order_buyer_receiver_and_carrier():
    order = paid(line("l-1"), line("l-2", warehouses=[("WH-2", 1)]), order_id="o-7", buyer_id="b-7")
    first, second = plan(order)
    assert (first.order_id, first.order_ids, first.sub_order_ids, first.buyer_id, first.receiver) == (
        "o-7", ("o-7",), ("o-7-s1",), "b-7", order.receiver)
    assert (first.carrier, second.carrier) == ("SF", "YTO")  # WH-1:east=SF; the default elsewhere
    assert first.lines[0].merchant_id == "m-1" and first.lines[0].sku == "SKU-l-1"


def test_fragile_lines_ship_apart_from_the_others():
    shipments = plan(paid(line("l-1", 2), line("l-2", fragile=True), line("l-3")))
    assert units(shipments) == [[("l-1", 2), ("l-3", 1)], [("l-2", 1)]]
    assert [Flag.FRAGILE in s.flags for s in shipments] == [False, True]


def test_each_oversize_line_ships_alone():
    shipments = plan(paid(line("l-1"), line("l-2", 2, oversize=True), line("l-3", oversize=True, fragile=True)))
    assert units(shipments) == [[("l-1", 1)], [("l-2", 2)], [("l-3", 1)]]
    assert [sorted(s.flags) for s in shipments] == [[], [Flag.OVERSIZE], [Flag.FRAGILE, Flag.OVERSIZE]]


def test_the_weight_limit_splits_a_line_by_units():
    shipments = plan(paid(line("l-1", 5, weight_grams=6_000), line("l-2", 1, weight_grams=1_000)))
    assert units(shipments) == [[("l-1", 3), ("l-2", 1)], [("l-1", 2)]]  # 19 kg and 12 kg; 20 kg at most
    assert [s.weight_grams for s in shipments] == [19_000, 12_000]


def test_the_volume_limit_splits_a_line_by_units_too():
    shipments = plan(paid(line("l-1", 3, volume_cm3=40_000)))
    assert units(shipments) == [[("l-1", 2)], [("l-1", 1)]] and shipments[0].volume_cm3 == 80_000


def test_a_unit_over_the_limit_ships_alone_and_is_flagged():
    shipments = plan(paid(line("l-1", 2, weight_grams=25_000), line("l-2", weight_grams=500)))
    assert units(shipments) == [[("l-1", 1)], [("l-1", 1)], [("l-2", 1)]]
    assert [Flag.OVER_LIMIT in s.flags for s in shipments] == [True, True, False]


def test_a_shipment_above_the_high_value_threshold_waits_for_review():
    shipments = plan(paid(line("l-1", paid_amount=2_000_001), line("l-2", paid_amount=2_000_000, fragile=True)))
    assert [(s.status, Flag.HIGH_VALUE in s.flags) for s in shipments] == [
        (S.PENDING_REVIEW, True), (S.READY, False)]  # above the threshold, not at it


def test_a_line_split_over_parcels_shares_its_paid_amount_to_the_cent():
    shipments = plan(paid(line("l-1", 3, weight_grams=15_000, paid_amount=1000)))
    assert [s.value_amount for s in shipments] == [333, 333, 334]


def test_a_virtual_only_order_plans_no_shipment():
    assert plan(paid(line("l-1", kind="virtual"))) == []


def test_a_ready_shipment_waits_in_the_merge_window_an_oversize_one_is_due_at_once():
    ordinary, oversize = plan(paid(line("l-1"), line("l-2", oversize=True)))
    assert (ordinary.dispatch_after, oversize.dispatch_after) == (AT + WINDOW, AT)
    assert not ordinary.is_due(AT + WINDOW - timedelta(seconds=1)) and ordinary.is_due(AT + WINDOW)
    assert oversize.is_due(AT)


def test_planning_is_recorded_and_announced_per_order():
    [s] = plan(paid(line("l-1"), order_id="o-3"))
    assert [(h.at, h.status, h.event, h.source) for h in s.history] == [(AT, S.READY, ShipmentEvent.PLAN,
                                                                         "fulfillment")]
    assert s.pull_events() == [LinesPlanned("o-3")]
    assert len(s.pull_new_history()) == 1 and s.pull_new_history() == []


@pytest.mark.parametrize(("bad", "why"), [
    (line("l-1", 2, warehouses=[("WH-1", 1)]), "do not add up"),
    (line("l-1", 1, warehouses=[("WH-1", 1), ("WH-2", 0)]), "do not add up"),
    (line("l-1", 0, warehouses=[("WH-1", 0)]), "not positive"),
])
def test_a_physical_line_whose_warehouses_do_not_hold_its_units_is_refused(bad, why):
    with pytest.raises(InvalidPaidOrder, match=why):
        plan(paid(bad))


def test_a_physical_line_without_a_warehouse_is_refused():
    from tradeflow_fulfillment.domain.paid import PaidLine
    with pytest.raises(InvalidPaidOrder, match="names no warehouse"):
        plan(paid(PaidLine("l-1", "SKU-A", 1, "physical", 100)))


def test_the_carrier_follows_the_receivers_region():
    west = Receiver("A", "1", "west", "Chengdu", "1 Road")
    assert [s.carrier for s in plan(paid(line("l-1"), receiver=west))] == ["YTO"]
