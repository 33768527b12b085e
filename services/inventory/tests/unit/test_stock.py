import pytest

from tradeflow_inventory.domain.errors import InsufficientStock, InvalidQuantity, StockBelowReserved
from tradeflow_inventory.domain.stock import Stock


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
