from datetime import UTC, datetime

import pytest

from tradeflow_inventory.domain.errors import (
    IncomingBelowReserved,
    InsufficientStock,
    InvalidQuantity,
    StockBelowReserved,
)
from tradeflow_inventory.domain.stock import Received, Stock

AT = datetime(2026, 12, 20, 9, tzinfo=UTC)


def test_available_is_on_hand_minus_reserved():
    assert Stock("a", "w", on_hand=7, reserved=3).available == 4


def test_reserving_holds_units_until_none_are_available():
    stock = Stock("a", "w", on_hand=2)
    stock.reserve(2)
    assert (stock.reserved, stock.available) == (2, 0)
    with pytest.raises(InsufficientStock):
        stock.reserve(1)
    assert stock.reserved == 2


def test_releasing_gives_units_back():
    stock = Stock("a", "w", on_hand=5, reserved=3)
    stock.release(2)
    assert (stock.reserved, stock.available) == (1, 4)


def test_cannot_release_more_than_is_reserved():
    with pytest.raises(InvalidQuantity):
        Stock("a", "w", on_hand=5, reserved=1).release(2)


def test_a_stock_count_replaces_on_hand():
    stock = Stock("a", "w", on_hand=5, reserved=2)
    stock.set_on_hand(9)
    assert (stock.on_hand, stock.available) == (9, 7)


def test_refuses_on_hand_below_what_is_reserved():
    stock = Stock("a", "w", on_hand=5, reserved=3)
    with pytest.raises(StockBelowReserved):
        stock.set_on_hand(2)
    assert stock.on_hand == 5


@pytest.mark.parametrize("change", [lambda s: s.reserve(0), lambda s: s.release(-1), lambda s: s.set_on_hand(-1)])
def test_refuses_zero_or_negative_quantities(change):
    with pytest.raises(InvalidQuantity):
        change(Stock("a", "w", on_hand=5, reserved=1))


@pytest.mark.parametrize(("on_hand", "reserved"), [(-1, 0), (1, -1), (1, 2)])
def test_cannot_be_built_breaking_its_invariants(on_hand, reserved):
    with pytest.raises(InvalidQuantity):
        Stock("a", "w", on_hand=on_hand, reserved=reserved)


def test_incoming_stock_is_reserved_apart_from_on_hand():
    stock = Stock("a", "w", on_hand=1, incoming=3)
    stock.reserve_incoming(2)
    assert (stock.available, stock.reserved_incoming, stock.available_incoming) == (1, 2, 1)
    with pytest.raises(InsufficientStock):
        stock.reserve_incoming(2)
    stock.release_incoming(2)
    assert stock.available_incoming == 3


def test_refuses_incoming_below_what_pre_sales_reserved():
    stock = Stock("a", "w", incoming=5, reserved_incoming=3)
    with pytest.raises(IncomingBelowReserved):
        stock.set_incoming(2)
    stock.set_incoming(3)
    assert (stock.incoming, stock.available_incoming) == (3, 0)


def test_a_receipt_moves_expected_units_on_hand_and_the_surplus_is_plain_stock():
    stock = Stock("a", "w", on_hand=1, incoming=4, reserved_incoming=3, incoming_eta=AT)
    received = stock.receive(6)
    assert received == Received(from_incoming=4, converted=3)
    assert (stock.on_hand, stock.reserved, stock.incoming, stock.reserved_incoming) == (7, 3, 0, 0)
    assert stock.incoming_eta is None  # nothing is expected any more


def test_a_partial_receipt_converts_as_many_reserved_units_as_arrived_and_keeps_the_eta():
    stock = Stock("a", "w", incoming=10, reserved_incoming=8, incoming_eta=AT)
    assert stock.receive(5) == Received(from_incoming=5, converted=5)
    assert (stock.on_hand, stock.reserved, stock.incoming, stock.reserved_incoming) == (5, 5, 5, 3)
    assert stock.incoming_eta == AT


def test_a_receipt_with_nothing_expected_is_all_on_hand():
    stock = Stock("a", "w", on_hand=2, reserved=2)
    assert stock.receive(3) == Received(from_incoming=0, converted=0)
    assert (stock.on_hand, stock.available) == (5, 3)


@pytest.mark.parametrize("change", [lambda s: s.reserve_incoming(0), lambda s: s.release_incoming(-1),
                                    lambda s: s.set_incoming(-1), lambda s: s.receive(0)])
def test_refuses_zero_or_negative_incoming_quantities(change):
    with pytest.raises(InvalidQuantity):
        change(Stock("a", "w", incoming=5, reserved_incoming=1))


@pytest.mark.parametrize(("incoming", "reserved_incoming"), [(-1, 0), (1, -1), (1, 2)])
def test_cannot_be_built_breaking_its_incoming_invariants(incoming, reserved_incoming):
    with pytest.raises(InvalidQuantity):
        Stock("a", "w", incoming=incoming, reserved_incoming=reserved_incoming)


def test_a_deduction_takes_reserved_units_off_hand_and_leaves_available_alone():
    stock = Stock("a", "w", on_hand=5, reserved=3)
    stock.deduct(2)
    assert (stock.on_hand, stock.reserved, stock.available) == (3, 1, 2)
    with pytest.raises(InvalidQuantity):
        stock.deduct(2)
    assert (stock.on_hand, stock.reserved) == (3, 1)


def test_a_restock_puts_units_on_hand_free_to_sell():
    stock = Stock("a", "w", on_hand=1, reserved=1)
    stock.restock(2)
    assert (stock.on_hand, stock.reserved, stock.available) == (3, 1, 2)
    with pytest.raises(InvalidQuantity):
        stock.restock(0)
