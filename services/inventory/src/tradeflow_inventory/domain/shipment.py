"""Stock at shipment and return (DOMAIN §3 出库扣减, 退货入库).

A shipment that left its warehouse deducts exactly its units: each unit line names the
reservation — (order, sub-order, line, warehouse), holding that SKU — that gives them up
(`Reservation.ship`). A parcel may carry lines of several sub-orders and orders, and a sub-order
may ship in several parcels. All lines or none: every line is checked before anything changes.

A return received back at the warehouse puts its units on hand again (`Reservation.take_back`):
at most, per line, what its shipment carried less what came back with earlier returns of it.

Each shipment is deducted once and each return restocked once; the use cases keep that (they
find the earlier `Deduction` or `Restock`), these rules see first times only.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_inventory.domain.errors import (
    InvalidShipment,
    InventoryError,
    ReservationNotFound,
    RestockBeyondShipment,
    ShipmentNotDeducted,
)
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.stock import Stock

ReservationKey = tuple[str, str, str, str]
"""(order, sub-order, line, warehouse): a reservation's identity."""


@dataclass(frozen=True)
class UnitLine:
    """Units of one order line that a shipment carried out of (or a return brought back into)
    one warehouse."""

    order_id: str
    sub_order_id: str
    line_id: str
    sku: str
    warehouse: str
    quantity: int

    @property
    def reservation_key(self) -> ReservationKey:
        return self.order_id, self.sub_order_id, self.line_id, self.warehouse

    @property
    def stock_key(self) -> tuple[str, str]:
        return self.sku, self.warehouse


@dataclass(frozen=True)
class Deduction:
    """What one shipment took out of stock, line by line in the order it named them."""

    shipment_id: str
    lines: tuple[UnitLine, ...]
    at: datetime

    def carries(self, lines: Iterable[UnitLine]) -> bool:
        """The same units, in whatever order (a repeat of this shipment)."""
        return Counter(self.lines) == Counter(lines)


@dataclass(frozen=True)
class Restock:
    """What one return of a shipment put back on hand."""

    shipment_id: str
    return_id: str
    reason: str
    lines: tuple[UnitLine, ...]
    at: datetime

    def carries(self, lines: Iterable[UnitLine]) -> bool:
        return Counter(self.lines) == Counter(lines)


class MovementKind(StrEnum):
    DEDUCTED = "deducted"
    RESTOCKED = "restocked"


@dataclass(frozen=True)
class Movement:
    """One line of the stock audit trail: units that left with a shipment or came back with a
    return (`return_id`, `reason`)."""

    id: int
    kind: MovementKind
    shipment_id: str
    return_id: str | None
    reason: str | None
    line: UnitLine
    at: datetime


def deduct(shipment_id: str, lines: Sequence[UnitLine], reservations: Mapping[ReservationKey, Reservation],
           stock: Mapping[tuple[str, str], Stock], at: datetime) -> Deduction:
    """Each line's reservation ships its units out of its stock row; `reservations` and `stock`
    hold (at least) the lines' reservations and rows. Refused as a whole (nothing changed):
    InvalidShipment, ReservationNotFound, DeductionBeyondReservation, UnitsStillIncoming."""
    _check_lines(f"shipment {shipment_id}", lines)
    held = [_reservation_of(f"shipment {shipment_id}", line, reservations) for line in lines]
    for line, reservation in zip(lines, held, strict=True):
        _named(f"shipment {shipment_id}", reservation.check_shipping, line.quantity)
    for line, reservation in zip(lines, held, strict=True):
        reservation.ship(stock[line.stock_key], line.quantity)
    return Deduction(shipment_id, tuple(lines), at)


def restock(returned: Restock, deduction: Deduction | None, earlier: Iterable[Restock],
            reservations: Mapping[ReservationKey, Reservation], stock: Mapping[tuple[str, str], Stock]) -> Restock:
    """The return puts its units back on hand, each through the reservation its
    shipment (`deduction`) took them from. Refused as a whole (nothing changed):
    InvalidShipment, ShipmentNotDeducted, RestockBeyondShipment."""
    label = f"shipment {returned.shipment_id}, return {returned.return_id}"
    _check_lines(label, returned.lines)
    if deduction is None:
        raise ShipmentNotDeducted(f"{label}: the shipment was never deducted, so none of it can come back")
    carried = _units(deduction.lines)
    back = _units(line for r in earlier for line in r.lines)
    for line in returned.lines:
        key = (line.reservation_key, line.sku)
        if line.quantity > carried[key] - back[key]:
            raise RestockBeyondShipment(
                f"{label}: {line.quantity} units of {line.sku} for {'/'.join(line.reservation_key)} back, but the "
                f"shipment carried {carried[key]} and {back[key]} came back before")
    for line in returned.lines:
        reservations[line.reservation_key].take_back(stock[line.stock_key], line.quantity)
    return returned


def _check_lines(label: str, lines: Sequence[UnitLine]) -> None:
    if not lines:
        raise InvalidShipment(f"{label}: no units")
    if any(line.quantity <= 0 for line in lines):
        raise InvalidShipment(f"{label}: every line needs a positive quantity")
    if len({line.reservation_key for line in lines}) != len(lines):
        raise InvalidShipment(f"{label}: a line of a sub-order is named twice for one warehouse")


def _reservation_of(label: str, line: UnitLine, reservations: Mapping[ReservationKey, Reservation]) -> Reservation:
    found = reservations.get(line.reservation_key)
    if found is None:
        raise ReservationNotFound(f"{label}: no reservation of {'/'.join(line.reservation_key)}")
    if found.allocation.sku != line.sku:
        raise ReservationNotFound(f"{label}: the reservation of {'/'.join(line.reservation_key)} holds "
                                  f"{found.allocation.sku}, not {line.sku}")
    return found


def _named(label: str, check: Callable[[int], None], units: int) -> None:
    """Run a reservation's check; its refusal names the shipment too (the dead letter's reason)."""
    try:
        check(units)
    except InventoryError as refused:
        raise type(refused)(f"{label}: {refused}") from refused


def _units(lines: Iterable[UnitLine]) -> Counter[tuple[ReservationKey, str]]:
    units: Counter[tuple[ReservationKey, str]] = Counter()
    for line in lines:
        units[(line.reservation_key, line.sku)] += line.quantity
    return units
