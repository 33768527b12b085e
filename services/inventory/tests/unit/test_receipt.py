from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.receipt import receive
from tradeflow_inventory.domain.reservation import SubOrderRef, reserve
from tradeflow_inventory.domain.stock import Received, Stock

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)


def waiting_row(*quantities: int, incoming: int = 10):
    """A row with `incoming` units and one pre-sale reservation per quantity, a minute apart,
    sub-orders s-0, s-1, … (the oldest first)."""
    row = Stock("a", "w1", incoming=incoming)
    made = [reserve(SubOrderRef("o-1", f"s-{i}"), [Allocation("l1", "a", "w1", q)], {("a", "w1"): row},
                    T0 + timedelta(minutes=i), pre_sale=True)[0] for i, q in enumerate(quantities)]
    return row, made


def test_waiting_reservations_take_the_arrived_units_oldest_first_in_part_if_need_be():
    row, (first, second, third) = waiting_row(3, 4, 2)
    receipt = receive(row, 5, [third, second, first])
    assert receipt.received == Received(from_incoming=5, converted=5)
    assert receipt.arrived == (first, second)
    assert [(r.on_hand, r.incoming) for r in (first, second, third)] == [(3, 0), (2, 2), (0, 2)]
    assert (row.on_hand, row.reserved, row.incoming, row.reserved_incoming) == (5, 5, 5, 4)


def test_a_receipt_beyond_what_is_waiting_serves_everyone_and_stays_on_hand():
    row, made = waiting_row(3, 4, incoming=8)
    receipt = receive(row, 12, made)
    assert receipt.received == Received(from_incoming=8, converted=7) and receipt.arrived == tuple(made)
    assert not any(r.waits_for_stock for r in made)
    assert (row.on_hand, row.reserved, row.available, row.incoming, row.reserved_incoming) == (12, 7, 5, 0, 0)


def test_a_receipt_with_nobody_waiting_serves_nobody():
    row, _ = waiting_row(incoming=5)
    receipt = receive(row, 2, [])
    assert receipt.arrived == () and (row.on_hand, row.incoming, row.available_incoming) == (2, 3, 3)


def test_equal_times_are_served_in_key_order():
    row = Stock("a", "w1", incoming=4)
    late_key = reserve(SubOrderRef("o-2", "s-1"), [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, T0,
                       pre_sale=True)[0]
    early_key = reserve(SubOrderRef("o-1", "s-1"), [Allocation("l1", "a", "w1", 2)], {("a", "w1"): row}, T0,
                        pre_sale=True)[0]
    assert receive(row, 2, [late_key, early_key]).arrived == (early_key,)


def test_the_waiting_reservations_must_account_for_every_reserved_incoming_unit():
    row, (first, _second) = waiting_row(3, 4)
    with pytest.raises(ValueError, match="hold 3 units"):
        receive(row, 5, [first])
    assert (row.on_hand, row.incoming, first.incoming) == (0, 10, 3)  # nothing changed
