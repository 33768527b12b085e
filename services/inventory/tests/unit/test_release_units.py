"""Releasing named units of a reservation (a cancellation after payment stopped some parcels of
its sub-order while others go on): the domain rules, by hand."""

from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import (
    IllegalTransition,
    InvalidQuantity,
    ReleaseBeyondReservation,
    ReservationNotFound,
)
from tradeflow_inventory.domain.release import UnitsToRelease, release_units
from tradeflow_inventory.domain.reservation import Reservation, ReservationState, SubOrderRef, reserve
from tradeflow_inventory.domain.stock import Stock

AT = datetime(2026, 12, 6, 10, tzinfo=UTC)
SUB = SubOrderRef("o-1", "s-1")


def holding(quantity: int, *, on_hand: int = 5, pre_sale: bool = False) -> tuple[Reservation, Stock]:
    row = Stock("a", "w1", on_hand, incoming=10)
    (made,) = reserve(SUB, [Allocation("l1", "a", "w1", quantity)], {("a", "w1"): row}, AT, pre_sale=pre_sale)
    return made, row


def test_released_units_go_back_to_stock_and_the_reservation_stays_active_for_the_rest():
    held, row = holding(3)
    held.release_units(row, 1, AT)
    assert (held.state, held.released, held.on_hand, held.held, held.released_at) == (
        ReservationState.ACTIVE, 1, 2, 2, None)
    assert (row.on_hand, row.reserved, row.available) == (5, 2, 3)


def test_the_units_left_after_a_shipment_and_a_release_still_ship_and_fulfil_the_reservation():
    held, row = holding(3)
    held.ship(row, 1)
    held.release_units(row, 1, AT)
    held.ship(row, 1)
    assert (held.state, held.shipped, held.released, held.on_hand) == (ReservationState.FULFILLED, 2, 1, 0)
    assert (row.on_hand, row.reserved) == (3, 0)


def test_releasing_what_is_left_after_a_shipment_fulfils_the_reservation():
    held, row = holding(3)
    held.ship(row, 2)
    held.release_units(row, 1, AT)
    assert (held.state, held.released_at) == (ReservationState.FULFILLED, None)
    assert (row.on_hand, row.reserved) == (3, 0)


def test_releasing_every_unit_of_a_reservation_nothing_shipped_from_releases_it():
    held, row = holding(3)
    held.release_units(row, 2, AT)
    held.release_units(row, 1, AT)
    assert (held.state, held.released, held.released_at) == (ReservationState.RELEASED, 3, AT)
    assert row.reserved == 0


def test_releasing_more_than_it_holds_is_refused_naming_the_numbers_and_changes_nothing():
    held, row = holding(4)
    held.ship(row, 1)
    held.release_units(row, 1, AT)
    with pytest.raises(ReleaseBeyondReservation,
                       match=r"o-1/s-1/l1 in w1: 3 units to release, 2 held \(2 on hand, 0 still incoming; "
                             r"1 shipped and 1 released of 4\)"):
        held.release_units(row, 3, AT)
    assert (held.state, held.released, held.on_hand, row.reserved) == (ReservationState.ACTIVE, 1, 2, 2)


@pytest.mark.parametrize("ended", ["released", "fulfilled"])
def test_a_reservation_that_ended_releases_nothing(ended):
    held, row = holding(2)
    if ended == "released":
        held.release(row, AT)
    else:
        held.ship(row, 2)
    with pytest.raises(ReleaseBeyondReservation, match=f"is {ended}: nothing left to release"):
        held.release_units(row, 1, AT)


def test_a_release_needs_a_positive_number_of_units():
    held, row = holding(2)
    with pytest.raises(InvalidQuantity):
        held.release_units(row, 0, AT)
    assert (held.released, row.reserved) == (0, 2)


def test_a_pre_sale_gives_back_its_waiting_units_first_and_keeps_those_on_hand_to_ship():
    held, row = holding(4, on_hand=0, pre_sale=True)
    row.receive(3)
    held.arrive(3)  # 3 on hand, 1 still incoming
    held.release_units(row, 2, AT)
    assert (held.incoming, held.on_hand, held.released, held.waits_for_stock) == (0, 2, 2, False)
    assert (row.reserved, row.reserved_incoming, row.incoming) == (2, 0, 7)
    held.ship(row, 2)
    assert held.state is ReservationState.FULFILLED and (row.on_hand, row.reserved) == (1, 0)


def test_releasing_the_reservation_after_named_units_gives_back_only_what_it_still_holds():
    held, row = holding(4)
    held.ship(row, 1)
    held.release_units(row, 1, AT)
    assert held.release(row, AT) == 2
    assert (held.state, held.shipped, held.released, held.held, held.released_at) == (
        ReservationState.RELEASED, 1, 3, 0, AT)
    assert (row.on_hand, row.reserved) == (4, 0)
    with pytest.raises(IllegalTransition):
        held.release(row, AT)


def test_releasing_a_waiting_pre_sale_counts_every_unit_given_back_and_nothing_waits_any_more():
    held, row = holding(3, on_hand=0, pre_sale=True)
    assert held.release(row, AT) == 3
    assert (held.released, held.incoming, held.waits_for_stock, row.reserved_incoming) == (3, 0, False, 0)


class Books:
    def __init__(self) -> None:
        self.stock = {(sku, wh): Stock(sku, wh, 10) for sku in "ab" for wh in ("w1", "w2")}
        self.reservations = {r.key: r for r in reserve(
            SUB, [Allocation("l1", "a", "w1", 3), Allocation("l1", "a", "w2", 2), Allocation("l2", "b", "w1", 1)],
            self.stock, AT)}

    def release(self, *units: tuple[str, str, int]) -> list[Reservation]:
        return release_units(SUB, [UnitsToRelease(*u) for u in units], self.reservations, self.stock, AT)

    def reserved(self) -> dict[tuple[str, str], int]:
        return {key: row.reserved for key, row in self.stock.items()}


def test_each_line_gives_back_its_units_in_its_warehouse_only():
    books = Books()
    changed = books.release(("l1", "w2", 1), ("l2", "w1", 1))
    assert [r.key for r in changed] == [("o-1", "s-1", "l1", "w2"), ("o-1", "s-1", "l2", "w1")]
    assert books.reserved() == {("a", "w1"): 3, ("a", "w2"): 1, ("b", "w1"): 0, ("b", "w2"): 0}


def test_a_line_named_twice_in_a_warehouse_gives_back_the_sum():
    books = Books()
    books.release(("l1", "w1", 1), ("l1", "w1", 1))
    assert books.reservations[("o-1", "s-1", "l1", "w1")].released == 2 and books.reserved()[("a", "w1")] == 1


@pytest.mark.parametrize("units, error", [
    ((("l1", "w1", 1), ("l1", "w2", 3)), ReleaseBeyondReservation),
    ((("l1", "w1", 2), ("l1", "w1", 2)), ReleaseBeyondReservation),  # summed: 4 of 3
    ((("l1", "w1", 1), ("l9", "w1", 1)), ReservationNotFound),
    ((("l1", "w1", 1), ("l2", "w2", 1)), ReservationNotFound),  # l2 is held in w1 only
    ((("l1", "w1", 1), ("l2", "w1", 0)), InvalidQuantity),
    ((), InvalidQuantity),
])
def test_one_line_refused_refuses_the_whole_release(units, error):
    books = Books()
    with pytest.raises(error):
        books.release(*units)
    assert books.reserved() == {("a", "w1"): 3, ("a", "w2"): 2, ("b", "w1"): 1, ("b", "w2"): 0}
    assert all(r.released == 0 for r in books.reservations.values())


def test_a_stored_reservation_is_active_exactly_while_it_holds_units_and_fulfilled_only_with_units_shipped():
    allocation = Allocation("l1", "a", "w1", 3)
    assert Reservation(SUB, allocation, AT, shipped=1, released=1).held == 1
    assert Reservation(SUB, allocation, AT, ReservationState.FULFILLED, shipped=1, released=2).on_hand == 0
    for state, counts in [(ReservationState.ACTIVE, {"shipped": 1, "released": 2}),
                          (ReservationState.RELEASED, {"released": 2}),
                          (ReservationState.FULFILLED, {"released": 3}),
                          (ReservationState.ACTIVE, {"released": 2, "incoming": 2})]:
        with pytest.raises(ValueError, match="released"):
            Reservation(SUB, allocation, AT, state, pre_sale=True, **counts)
