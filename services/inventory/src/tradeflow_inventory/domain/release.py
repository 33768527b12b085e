"""Releasing named units of a sub-order's reservations: a cancellation after payment stopped some
parcels of the sub-order while others go on shipping, so only the stopped units go back to stock
and each reservation stays active for the units still to ship (`Reservation.release_units`).

Units are named per (line, warehouse): the sub-order's reservation of that line in that
warehouse gives them back. A (line, warehouse) named more than once (its units were spread over
several stopped parcels) gives back the sum. All or nothing: every reservation named is checked
before anything changes.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tradeflow_inventory.domain.errors import InvalidQuantity, ReservationNotFound
from tradeflow_inventory.domain.reservation import Reservation, SubOrderRef
from tradeflow_inventory.domain.shipment import ReservationKey
from tradeflow_inventory.domain.stock import Stock


@dataclass(frozen=True)
class UnitsToRelease:
    line_id: str
    warehouse: str
    quantity: int


def release_units(sub_order: SubOrderRef, units: Iterable[UnitsToRelease],
                  reservations: Mapping[ReservationKey, Reservation], stock: Mapping[tuple[str, str], Stock],
                  at: datetime) -> list[Reservation]:
    """Each named reservation of `sub_order` gives its units back to its stock row; `reservations`
    and `stock` hold (at least) those reservations and their rows. Returns the reservations that
    changed. Refused as a whole (nothing changed): InvalidQuantity, ReservationNotFound,
    ReleaseBeyondReservation."""
    wanted = _summed(units)
    named = [(_reservation_of(sub_order, line_id, warehouse, reservations), quantity)
             for (line_id, warehouse), quantity in wanted.items()]
    for reservation, quantity in named:
        reservation.check_release(quantity)
    for reservation, quantity in named:
        reservation.release_units(stock[reservation.stock_key], quantity, at)
    return [reservation for reservation, _ in named]


def _summed(units: Iterable[UnitsToRelease]) -> Counter[tuple[str, str]]:
    wanted: Counter[tuple[str, str]] = Counter()
    for u in units:
        if u.quantity <= 0:
            raise InvalidQuantity(f"units to release of line {u.line_id} in {u.warehouse} must be positive, "
                                  f"got {u.quantity}")
        wanted[(u.line_id, u.warehouse)] += u.quantity
    if not wanted:
        raise InvalidQuantity("no units named to release")
    return wanted


def _reservation_of(sub_order: SubOrderRef, line_id: str, warehouse: str,
                    reservations: Mapping[ReservationKey, Reservation]) -> Reservation:
    key = (sub_order.order_id, sub_order.sub_order_id, line_id, warehouse)
    found = reservations.get(key)
    if found is None:
        raise ReservationNotFound(f"units to release: no reservation of {'/'.join(key)}")
    return found
