from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import IllegalTransition, InsufficientStock
from tradeflow_inventory.domain.reservation import ReservationState, SubOrderRef, reserve
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
