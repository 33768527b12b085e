import pytest

from tradeflow_inventory.domain.allocation import (
    Allocation,
    LineRequest,
    Shortage,
    allocate,
    availability,
    rank_warehouses,
)
from tradeflow_inventory.domain.errors import InvalidReservationRequest
from tradeflow_inventory.domain.stock import Stock, Warehouse

EAST_1 = Warehouse("east-1", "east", 1)
EAST_2 = Warehouse("east-2", "east", 2)
WEST_1 = Warehouse("west-1", "west", 1)
WEST_0 = Warehouse("west-0", "west", 0)


def line(sku: str, quantity: int, line_id: str | None = None) -> LineRequest:
    return LineRequest(line_id or f"l-{sku}", sku, quantity)


def test_ranks_the_receivers_region_first_then_priority_then_code():
    twin = Warehouse("east-0", "east", 1)
    assert rank_warehouses([WEST_0, EAST_2, EAST_1, twin], "east") == [twin, EAST_1, EAST_2, WEST_0]


def test_prefers_one_warehouse_that_ships_the_whole_sub_order():
    available = {("a", "east-1"): 5, ("b", "west-1"): 5, ("a", "west-1"): 5}
    plan = allocate([line("a", 2), line("b", 1)], "east", True, [EAST_1, WEST_1], available)
    assert plan.allocations == (Allocation("l-a", "a", "west-1", 2), Allocation("l-b", "b", "west-1", 1))


def test_prefers_a_warehouse_in_the_receivers_region_over_a_higher_priority_elsewhere():
    available = {("a", "west-0"): 9, ("a", "east-2"): 9}
    plan = allocate([line("a", 3)], "east", False, [WEST_0, EAST_2], available)
    assert [a.warehouse for a in plan.allocations] == ["east-2"]


def test_prefers_the_lower_priority_number_within_the_region():
    available = {("a", "east-1"): 9, ("a", "east-2"): 9}
    plan = allocate([line("a", 3)], "east", False, [EAST_2, EAST_1], available)
    assert [a.warehouse for a in plan.allocations] == ["east-1"]


def test_falls_back_to_another_region_when_the_own_region_cannot_ship_it():
    available = {("a", "east-1"): 1, ("a", "west-1"): 3}
    plan = allocate([line("a", 3)], "east", False, [EAST_1, WEST_1], available)
    assert [a.warehouse for a in plan.allocations] == ["west-1"]


def test_adds_up_lines_of_the_same_sku_when_checking_a_warehouse():
    available = {("a", "east-1"): 3, ("a", "west-1"): 4}
    plan = allocate([line("a", 2, "l1"), line("a", 2, "l2")], "east", False, [EAST_1, WEST_1], available)
    assert {a.warehouse for a in plan.allocations} == {"west-1"}


def test_splits_lines_across_warehouses_by_preference_only_when_allowed():
    available = {("a", "east-1"): 2, ("a", "east-2"): 5, ("b", "west-1"): 1}
    lines = [line("a", 4), line("b", 1)]
    plan = allocate(lines, "east", True, [EAST_1, EAST_2, WEST_1], available)
    assert plan.feasible
    assert plan.allocations == (Allocation("l-a", "a", "east-1", 2), Allocation("l-a", "a", "east-2", 2),
                                Allocation("l-b", "b", "west-1", 1))


def test_rejects_what_no_single_warehouse_covers_when_splitting_is_not_allowed():
    available = {("a", "east-1"): 2, ("b", "west-1"): 1}
    plan = allocate([line("a", 2), line("b", 1)], "east", False, [EAST_1, WEST_1], available)
    assert not plan.feasible and plan.allocations == ()
    assert plan.shortages == (Shortage("b", 1, 0),)  # measured against east-1, which covers the most


def test_shortages_with_splitting_count_every_warehouse():
    available = {("a", "east-1"): 2, ("a", "west-1"): 1, ("b", "west-1"): 7}
    plan = allocate([line("a", 5), line("b", 7)], "east", True, [EAST_1, WEST_1], available)
    assert plan.shortages == (Shortage("a", 5, 3),)


def test_a_sku_nobody_stocks_is_short_by_everything():
    plan = allocate([line("ghost", 2)], "east", True, [], {})
    assert plan.shortages == (Shortage("ghost", 2, 0),)


def test_a_split_that_falls_short_allocates_nothing():
    available = {("a", "east-1"): 2, ("b", "east-1"): 0}
    plan = allocate([line("a", 1), line("b", 1)], "east", True, [EAST_1], available)
    assert plan.allocations == () and plan.shortages == (Shortage("b", 1, 0),)


@pytest.mark.parametrize("lines", [[], [line("a", 0)], [line("a", 1, "x"), line("b", 1, "x")]])
def test_refuses_a_malformed_request(lines):
    with pytest.raises(InvalidReservationRequest):
        allocate(lines, "east", True, [EAST_1], {("a", "east-1"): 5})


def test_availability_counts_on_hand_for_orders_and_incoming_for_pre_sales():
    rows = [Stock("a", "east-1", on_hand=5, reserved=1, incoming=7, reserved_incoming=3), Stock("a", "west-1", 2)]
    assert availability(rows) == {("a", "east-1"): 4, ("a", "west-1"): 2}
    assert availability(rows, pre_sale=True) == {("a", "east-1"): 4, ("a", "west-1"): 0}


def test_a_pre_sale_prefers_one_warehouse_with_enough_incoming_over_on_hand_elsewhere():
    rows = [Stock("a", "east-1", on_hand=9, incoming=1), Stock("a", "west-1", incoming=3),
            Stock("b", "west-1", incoming=1)]
    plan = allocate([line("a", 2), line("b", 1)], "east", True, [EAST_1, WEST_1], availability(rows, pre_sale=True))
    assert plan.allocations == (Allocation("l-a", "a", "west-1", 2), Allocation("l-b", "b", "west-1", 1))


def test_a_pre_sale_splits_incoming_stock_only_when_allowed():
    rows = [Stock("a", "east-1", incoming=1), Stock("a", "west-1", incoming=2)]
    available = availability(rows, pre_sale=True)
    assert allocate([line("a", 3)], "east", False, [EAST_1, WEST_1], available).shortages == (Shortage("a", 3, 2),)
    plan = allocate([line("a", 3)], "east", True, [EAST_1, WEST_1], available)
    assert plan.allocations == (Allocation("l-a", "a", "east-1", 1), Allocation("l-a", "a", "west-1", 2))


def test_a_pre_sale_short_of_incoming_stock_is_short_whatever_is_on_hand():
    rows = [Stock("a", "east-1", on_hand=50, incoming=4, reserved_incoming=3)]
    plan = allocate([line("a", 2)], "east", True, [EAST_1], availability(rows, pre_sale=True))
    assert not plan.feasible and plan.shortages == (Shortage("a", 2, 1),)
