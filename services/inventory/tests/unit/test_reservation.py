from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import IllegalTransition, InsufficientStock
from tradeflow_inventory.domain.reservation import (
    Reservation,
    ReservationState,
    SubOrderRef,
    backed_by_on_hand,
    reserve,
)
from tradeflow_inventory.domain.stock import Stock

AT = datetime(2026, 11, 22, 10, tzinfo=UTC)
SUB = SubOrderRef("o-1", "s-1")


def test_reserving_holds_every_allocation_in_its_stock_row():
    stock = {("a", "w1"): Stock("a", "w1", 5), ("a", "w2"): Stock("a", "w2", 5)}
    made = reserve(SUB, [Allocation("l1", "a", "w1", 2), Allocation("l1", "a", "w2", 3)], stock, AT)
    assert [r.state for r in made] == [ReservationState.ACTIVE] * 2
    assert (stock[("a", "w1")].reserved, stock[("a", "w2")].reserved) == (2, 3)


def test_reserving_more_than_available_raises():
    with pytest.raises(InsufficientStock):
        reserve(SUB, [Allocation("l1", "a", "w1", 6)], {("a", "w1"): Stock("a", "w1", 5)}, AT)


def test_releasing_returns_the_units_and_records_when():
    row = Stock("a", "w1", 5)
    (reservation,) = reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, AT)
    reservation.release(row, AT)
    assert (reservation.state, reservation.released_at, row.reserved) == (ReservationState.RELEASED, AT, 0)


def test_a_released_reservation_cannot_be_released_again():
    row = Stock("a", "w1", 5)
    (reservation,) = reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, AT)
    reservation.release(row, AT)
    with pytest.raises(IllegalTransition):
        reservation.release(row, AT)
    assert row.reserved == 0


def test_releasing_into_the_wrong_stock_row_is_refused():
    row = Stock("a", "w1", 5)
    (reservation,) = reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, AT)
    with pytest.raises(ValueError, match="does not hold"):
        reservation.release(Stock("a", "w2", 5, 2), AT)
    assert reservation.state is ReservationState.ACTIVE


def test_a_pre_sale_holds_its_units_in_incoming_stock_only():
    row = Stock("a", "w1", on_hand=9, incoming=3)
    (reservation,) = reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, AT, pre_sale=True)
    assert (reservation.pre_sale, reservation.incoming, reservation.on_hand, reservation.waits_for_stock) \
        == (True, 2, 0, True)
    assert (row.reserved, row.reserved_incoming) == (0, 2)


def test_a_pre_sale_beyond_the_incoming_stock_raises_whatever_is_on_hand():
    with pytest.raises(InsufficientStock):
        reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): Stock("a", "w1", 9, incoming=1)}, AT,
                pre_sale=True)


def test_releasing_a_partly_arrived_pre_sale_gives_each_part_back_where_it_is_held():
    row = Stock("a", "w1", incoming=5)
    (reservation,) = reserve(SUB, [Allocation("l1", "a", "w1", 4)], {("a", "w1"): row}, AT, pre_sale=True)
    row.receive(3)
    assert reservation.arrive(3) == 3
    assert (reservation.on_hand, reservation.incoming, row.reserved, row.reserved_incoming) == (3, 1, 3, 1)
    reservation.release(row, AT)
    assert (row.reserved, row.reserved_incoming, row.available, row.available_incoming) == (0, 0, 3, 2)


def test_only_an_active_reservation_waiting_for_stock_can_take_arrived_units():
    row = Stock("a", "w1", 5)
    (on_hand,) = reserve(SUB, [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, AT)
    with pytest.raises(IllegalTransition):
        on_hand.arrive(1)


def test_a_sub_order_is_backed_by_on_hand_stock_when_no_active_reservation_waits():
    row = Stock("a", "w1", incoming=5)
    first, second = reserve(SUB, [Allocation("l1", "a", "w1", 1), Allocation("l2", "a", "w1", 1)],
                            {("a", "w1"): row}, AT, pre_sale=True)
    assert not backed_by_on_hand([first, second])
    first.arrive(1)
    assert not backed_by_on_hand([first, second])
    second.arrive(1)
    assert backed_by_on_hand([first, second])
    assert not backed_by_on_hand([])


def test_a_reservation_cannot_wait_for_more_than_it_holds_or_wait_without_being_a_pre_sale():
    with pytest.raises(ValueError, match="waiting"):
        Reservation(SUB, Allocation("l1", "a", "w1", 2), AT, pre_sale=True, incoming=3)
    with pytest.raises(ValueError, match="waiting"):
        Reservation(SUB, Allocation("l1", "a", "w1", 2), AT, incoming=1)
