"""Properties of reservations under any sequence of shipments, releases of named units, whole
releases and receipts of goods in one stock row (hypothesis): the books always hold — `reserved`
= Σ active reservations' on-hand units, `reserved_incoming` = Σ their waiting units — every unit
is shipped, released or still held, a reservation is active exactly while it holds units, and a
refused step changes nothing."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import InventoryError
from tradeflow_inventory.domain.receipt import receive
from tradeflow_inventory.domain.reservation import Reservation, ReservationState, SubOrderRef, reserve
from tradeflow_inventory.domain.stock import Stock

AT = datetime(2026, 12, 6, 10, tzinfo=UTC)

holds = st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=3)
steps = st.lists(st.one_of(
    st.tuples(st.just("ship"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("release_units"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("release"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("receive"), st.just(0), st.integers(1, 6)),
), max_size=12)


def book(held: list[tuple[int, bool]]) -> tuple[Stock, list[Reservation]]:
    row = Stock("a", "w1", on_hand=20, incoming=20)
    reservations = []
    for i, (quantity, pre_sale) in enumerate(held):
        reservations += reserve(SubOrderRef("o-1", f"s-{i}"), [Allocation("l1", "a", "w1", quantity)],
                                {("a", "w1"): row}, AT, pre_sale=pre_sale)
    return row, reservations


def apply(step: tuple[str, int, int], row: Stock, reservations: list[Reservation]) -> None:
    kind, i, units = step
    target = reservations[i % len(reservations)]
    if kind == "ship":
        target.ship(row, units)
    elif kind == "release_units":
        target.release_units(row, units, AT)
    elif kind == "release":
        target.release(row, AT)
    else:
        receive(row, units, [r for r in reservations if r.waits_for_stock])


def snapshot(row: Stock, reservations: list[Reservation]) -> tuple:
    return repr(row), [(r.state, r.incoming, r.shipped, r.released, r.released_at) for r in reservations]


def check_books(row: Stock, reservations: list[Reservation]) -> None:
    active = [r for r in reservations if r.is_active]
    assert row.reserved == sum(r.on_hand for r in active)
    assert row.reserved_incoming == sum(r.incoming for r in active)
    Stock(row.sku, row.warehouse, row.on_hand, row.reserved, row.incoming, row.reserved_incoming)
    for r in reservations:
        assert r.shipped + r.released + r.held == r.quantity and r.held == r.on_hand + r.incoming >= 0
        assert r.is_active == (r.held > 0)
        assert r.state is not ReservationState.FULFILLED or r.shipped > 0
        Reservation(r.sub_order, r.allocation, r.reserved_at, r.state, r.released_at, pre_sale=r.pre_sale,
                    incoming=r.incoming, shipped=r.shipped, released=r.released, returned=r.returned)


@settings(max_examples=400)
@given(holds, steps)
def test_any_sequence_of_shipments_releases_and_receipts_keeps_the_books(held, sequence):
    row, reservations = book(held)
    for step in sequence:
        before = snapshot(row, reservations)
        try:
            apply(step, row, reservations)
        except InventoryError:
            assert snapshot(row, reservations) == before, f"{step} was refused but changed the books"
        check_books(row, reservations)
