"""Stock at shipment and return (出库扣减, 退货入库): the domain rules, by hand."""

from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import (
    DeductionBeyondReservation,
    InvalidShipment,
    ReservationNotFound,
    RestockBeyondShipment,
    ShipmentNotDeducted,
    UnitsStillIncoming,
)
from tradeflow_inventory.domain.reservation import Reservation, ReservationState, SubOrderRef, reserve
from tradeflow_inventory.domain.shipment import Deduction, Restock, UnitLine, deduct, restock
from tradeflow_inventory.domain.stock import Stock

AT = datetime(2026, 12, 6, 10, tzinfo=UTC)


class Books:
    """Stock rows and the reservations held in them, as the use cases load them."""

    def __init__(self, **on_hand: int) -> None:
        self.stock = {(sku, "w1"): Stock(sku, "w1", units, incoming=10) for sku, units in on_hand.items()}
        self.reservations: dict[tuple[str, str, str, str], Reservation] = {}

    def hold(self, sub_order_id: str, line_id: str, sku: str, quantity: int, *, pre_sale: bool = False) -> Reservation:
        (made,) = reserve(SubOrderRef("o-1", sub_order_id), [Allocation(line_id, sku, "w1", quantity)], self.stock, AT,
                          pre_sale=pre_sale)
        self.reservations[made.key] = made
        return made

    def row(self, sku: str) -> tuple[int, int]:
        """(on_hand, reserved)"""
        return self.stock[(sku, "w1")].on_hand, self.stock[(sku, "w1")].reserved

    def deduct(self, *lines: UnitLine, shipment_id: str = "sh-1") -> Deduction:
        return deduct(shipment_id, lines, self.reservations, self.stock, AT)


def units(sub_order_id: str, line_id: str, sku: str, quantity: int) -> UnitLine:
    return UnitLine("o-1", sub_order_id, line_id, sku, "w1", quantity)


def test_shipping_every_unit_fulfils_the_reservation_and_takes_them_out_of_stock():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    done = books.deduct(units("s-1", "l1", "a", 3))
    assert done == Deduction("sh-1", (units("s-1", "l1", "a", 3),), AT)
    assert (held.state, held.shipped, held.on_hand) == (ReservationState.FULFILLED, 3, 0)
    assert books.row("a") == (2, 0)


def test_a_partial_shipment_keeps_the_reservation_active_for_the_rest():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    books.deduct(units("s-1", "l1", "a", 2))
    assert (held.state, held.shipped, held.on_hand, held.held) == (ReservationState.ACTIVE, 2, 1, 1)
    assert books.row("a") == (3, 1)
    books.deduct(units("s-1", "l1", "a", 1), shipment_id="sh-2")
    assert (held.state, held.shipped) == (ReservationState.FULFILLED, 3)
    assert books.row("a") == (2, 0)


def test_releasing_after_a_partial_shipment_gives_back_only_the_unshipped_units():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    books.deduct(units("s-1", "l1", "a", 2))
    assert held.release(books.stock[("a", "w1")], AT) == 1
    assert (held.state, held.shipped, held.released) == (ReservationState.RELEASED, 2, 1)
    assert books.row("a") == (3, 0)


def test_one_parcel_may_carry_lines_of_two_sub_orders():
    books = Books(a=5, b=5)
    first, second = books.hold("s-1", "l1", "a", 2), books.hold("s-2", "l1", "b", 2)
    books.deduct(units("s-1", "l1", "a", 2), units("s-2", "l1", "b", 1))
    assert (first.state, second.state, second.shipped) == (ReservationState.FULFILLED, ReservationState.ACTIVE, 1)
    assert (books.row("a"), books.row("b")) == ((3, 0), (4, 1))


def test_shipping_more_than_the_reservation_has_left_is_refused_and_changes_nothing():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    books.deduct(units("s-1", "l1", "a", 2))
    with pytest.raises(DeductionBeyondReservation, match=r"shipment sh-2: .* 2 units to ship, 1 left"):
        books.deduct(units("s-1", "l1", "a", 2), shipment_id="sh-2")
    assert (held.shipped, books.row("a")) == (2, (3, 1))


def test_one_line_refused_refuses_the_whole_shipment():
    books = Books(a=5, b=5)
    first, second = books.hold("s-1", "l1", "a", 2), books.hold("s-1", "l2", "b", 1)
    with pytest.raises(DeductionBeyondReservation):
        books.deduct(units("s-1", "l1", "a", 2), units("s-1", "l2", "b", 2))
    assert (first.shipped, second.shipped) == (0, 0)
    assert (books.row("a"), books.row("b")) == ((5, 2), (5, 1))


@pytest.mark.parametrize("state", ["released", "fulfilled"])
def test_a_reservation_that_is_over_ships_nothing(state):
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 2)
    if state == "released":
        held.release(books.stock[("a", "w1")], AT)
    else:
        books.deduct(units("s-1", "l1", "a", 2), shipment_id="sh-0")
    with pytest.raises(DeductionBeyondReservation, match=f"is {state}"):
        books.deduct(units("s-1", "l1", "a", 1))


def test_units_no_reservation_holds_are_refused():
    books = Books(a=5, b=5)
    books.hold("s-1", "l1", "a", 2)
    with pytest.raises(ReservationNotFound, match="no reservation of o-1/s-9/l1/w1"):
        books.deduct(units("s-9", "l1", "a", 1))
    with pytest.raises(ReservationNotFound, match="holds a, not b"):
        books.deduct(units("s-1", "l1", "b", 1))
    assert books.row("a") == (5, 2)


def test_a_pre_sale_cannot_ship_units_still_incoming_but_ships_those_arrived():
    books = Books(a=0)
    held = books.hold("s-1", "l1", "a", 3, pre_sale=True)
    with pytest.raises(UnitsStillIncoming, match="0 on hand, 3 still incoming"):
        books.deduct(units("s-1", "l1", "a", 1))
    books.stock[("a", "w1")].receive(2)
    held.arrive(2)
    with pytest.raises(UnitsStillIncoming):
        books.deduct(units("s-1", "l1", "a", 3))
    books.deduct(units("s-1", "l1", "a", 2))
    assert (held.state, held.shipped, held.incoming) == (ReservationState.ACTIVE, 2, 1)
    assert books.row("a") == (0, 0)


def test_a_line_named_twice_in_one_shipment_is_refused():
    books = Books(a=5)
    books.hold("s-1", "l1", "a", 3)
    with pytest.raises(InvalidShipment, match="named twice"):
        books.deduct(units("s-1", "l1", "a", 1), units("s-1", "l1", "a", 1))
    assert books.row("a") == (5, 3)


def returned(*lines: UnitLine, return_id: str = "r-1") -> Restock:
    return Restock("sh-1", return_id, "damaged", lines, AT)


def test_returned_units_go_back_on_hand_and_are_never_reserved_again():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    shipment = books.deduct(units("s-1", "l1", "a", 3))
    restock(returned(units("s-1", "l1", "a", 2)), shipment, [], books.reservations, books.stock)
    assert (held.state, held.shipped, held.returned) == (ReservationState.FULFILLED, 3, 2)
    assert books.row("a") == (4, 0)


def test_returns_bring_back_at_most_what_the_shipment_carried():
    books = Books(a=5)
    held = books.hold("s-1", "l1", "a", 3)
    books.deduct(units("s-1", "l1", "a", 1), shipment_id="sh-0")
    shipment = books.deduct(units("s-1", "l1", "a", 2))
    first = restock(returned(units("s-1", "l1", "a", 1)), shipment, [], books.reservations, books.stock)
    with pytest.raises(RestockBeyondShipment, match="the shipment carried 2 and 1 came back before"):
        restock(returned(units("s-1", "l1", "a", 2), return_id="r-2"), shipment, [first], books.reservations,
                books.stock)
    assert (held.returned, books.row("a")) == (1, (3, 0))


def test_a_return_of_a_shipment_never_deducted_is_refused():
    books = Books(a=5)
    books.hold("s-1", "l1", "a", 3)
    with pytest.raises(ShipmentNotDeducted):
        restock(returned(units("s-1", "l1", "a", 1)), None, [], books.reservations, books.stock)
    assert books.row("a") == (5, 3)


def test_a_return_of_a_line_the_shipment_did_not_carry_is_refused():
    books = Books(a=5, b=5)
    books.hold("s-1", "l1", "a", 1)
    books.hold("s-1", "l2", "b", 1)
    shipment = books.deduct(units("s-1", "l1", "a", 1))
    with pytest.raises(RestockBeyondShipment, match="carried 0"):
        restock(returned(units("s-1", "l2", "b", 1)), shipment, [], books.reservations, books.stock)


def test_a_reservation_cannot_claim_more_shipped_or_returned_units_than_it_holds():
    allocation = Allocation("l1", "a", "w1", 2)
    with pytest.raises(ValueError, match="shipped"):
        Reservation(SubOrderRef("o-1", "s-1"), allocation, AT, shipped=3)
    with pytest.raises(ValueError, match="shipped"):
        Reservation(SubOrderRef("o-1", "s-1"), allocation, AT, shipped=1, returned=2)
    with pytest.raises(ValueError, match="shipped"):
        Reservation(SubOrderRef("o-1", "s-1"), allocation, AT, shipped=2)  # all shipped, yet active
