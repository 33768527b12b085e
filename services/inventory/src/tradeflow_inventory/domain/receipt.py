"""A receipt of goods into one stock row (入库 of purchased stock): every unit goes on hand, up to
`incoming` of them were expected, and pre-sale reservations waiting in the row take the units
that arrived, oldest reservation first, as far as they go (a reservation may be covered in part
and wait for the rest)."""

from collections.abc import Sequence
from dataclasses import dataclass

from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.stock import Received, Stock


@dataclass(frozen=True)
class Receipt:
    quantity: int
    received: Received
    arrived: tuple[Reservation, ...]
    """The waiting reservations that took units, oldest first."""


def oldest_first(reservation: Reservation) -> tuple:
    """Order of service among waiting reservations: reserved earlier first, ties by the key."""
    a, ref = reservation.allocation, reservation.sub_order
    return reservation.reserved_at, ref.order_id, ref.sub_order_id, a.line_id, a.warehouse


def receive(stock: Stock, quantity: int, waiting: Sequence[Reservation]) -> Receipt:
    """`waiting`: every active reservation of this row that waits for incoming stock."""
    _check_books(stock, waiting)
    received = stock.receive(quantity)
    left, arrived = received.converted, []
    for reservation in sorted(waiting, key=oldest_first):
        if left == 0:
            break
        left -= reservation.arrive(left)
        arrived.append(reservation)
    return Receipt(quantity, received, tuple(arrived))


def _check_books(stock: Stock, waiting: Sequence[Reservation]) -> None:
    foreign = [r for r in waiting if r.stock_key != (stock.sku, stock.warehouse) or not r.waits_for_stock]
    if foreign:
        raise ValueError(f"{stock!r}: not waiting in this row: {foreign}")
    if sum(r.incoming for r in waiting) != stock.reserved_incoming:
        raise ValueError(f"{stock!r}: waiting reservations hold {sum(r.incoming for r in waiting)} units")
