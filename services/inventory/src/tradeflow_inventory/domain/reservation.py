"""A reservation: units of one sub-order line held in one warehouse until they ship or are
given back (the order is cancelled, or a cancellation stopped some of its parcels).

A pre-sale reservation holds its units against incoming stock: all of them wait (`incoming`) at
first, and receipts of goods turn them into on-hand units, oldest reservation first.

Units ship in one or more shipments (出库扣减): each takes some of the on-hand units it holds, and
the reservation counts them (`shipped`). Units go back to the stock row, counted as `released`,
in two ways:
* releasing the reservation (its sub-order is cancelled) gives back every unit it still holds,
  on hand or waiting, and it is `released` — whatever shipped before;
* releasing named units of it (a cancellation after payment stopped some parcels of the
  sub-order while others go on) gives back that many: waiting units first, then on-hand ones,
  so the units kept are those nearest to shipping (a parcel cannot ship units still incoming).
  More units than it holds are refused (ReleaseBeyondReservation), and so is any once it ended.

It stays active while it holds units and ends when it holds none (every unit shipped or
released): `fulfilled` if any unit shipped, `released` if none did. Returned units (退货入库) go
back on hand and are counted (`returned`), never reserved again.

States: active → released | fulfilled. A reservation holds `quantity − shipped − released`
units: `incoming` of them waiting, the rest on hand (quantity − incoming − shipped − released).
Only an active one holds any (an ended one has shipped + released = quantity), so a stock row's
`reserved` always equals the sum of its active reservations' on-hand units, and its
`reserved_incoming` the sum of their waiting units.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import (
    DeductionBeyondReservation,
    IllegalTransition,
    InvalidQuantity,
    ReleaseBeyondReservation,
    RestockBeyondShipment,
    UnitsStillIncoming,
)
from tradeflow_inventory.domain.stock import Stock


class ReservationState(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    FULFILLED = "fulfilled"


TRANSITIONS: dict[ReservationState, frozenset[ReservationState]] = {
    ReservationState.ACTIVE: frozenset({ReservationState.RELEASED, ReservationState.FULFILLED}),
    ReservationState.RELEASED: frozenset(),
    ReservationState.FULFILLED: frozenset(),
}


@dataclass(frozen=True)
class SubOrderRef:
    order_id: str
    sub_order_id: str


class Reservation:
    def __init__(self, sub_order: SubOrderRef, allocation: Allocation, reserved_at: datetime,
                 state: ReservationState = ReservationState.ACTIVE, released_at: datetime | None = None, *,
                 pre_sale: bool = False, incoming: int = 0, shipped: int = 0, released: int = 0,
                 returned: int = 0) -> None:
        if not 0 <= incoming <= allocation.quantity or (incoming and not pre_sale):
            raise ValueError(f"{allocation}: {incoming} units waiting for incoming stock (pre-sale: {pre_sale})")
        held = allocation.quantity - shipped - released
        if not (shipped >= 0 and released >= 0 and incoming <= held and 0 <= returned <= shipped
                and (state is ReservationState.ACTIVE) == (held > 0)
                and (state is not ReservationState.FULFILLED or shipped > 0)):
            raise ValueError(f"{allocation}: {state} with {shipped} units shipped, {released} released, "
                             f"{incoming} incoming and {returned} returned")
        self.sub_order, self.allocation, self.reserved_at = sub_order, allocation, reserved_at
        self._state, self.released_at = state, released_at
        self.pre_sale, self._incoming = pre_sale, incoming
        self._shipped, self._released, self._returned = shipped, released, returned

    @property
    def state(self) -> ReservationState:
        return self._state

    @property
    def is_active(self) -> bool:
        return self._state is ReservationState.ACTIVE

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity: one reservation per sub-order line and warehouse."""
        return self.sub_order.order_id, self.sub_order.sub_order_id, self.allocation.line_id, self.allocation.warehouse

    @property
    def stock_key(self) -> tuple[str, str]:
        return self.allocation.sku, self.allocation.warehouse

    @property
    def quantity(self) -> int:
        return self.allocation.quantity

    @property
    def incoming(self) -> int:
        """Units still waiting for incoming stock to arrive (only ever on a pre-sale reservation)."""
        return self._incoming

    @property
    def on_hand(self) -> int:
        """Units held in on-hand stock: arrived, not shipped and not released."""
        return self.quantity - self._incoming - self._shipped - self._released

    @property
    def shipped(self) -> int:
        """Units that left the warehouse with shipments."""
        return self._shipped

    @property
    def released(self) -> int:
        """Units given back to the stock row, by releasing the reservation or named units of it."""
        return self._released

    @property
    def returned(self) -> int:
        """Shipped units that came back on hand with returns."""
        return self._returned

    @property
    def held(self) -> int:
        """Units it still holds, on hand or waiting: what a release can give back (none once ended)."""
        return self.quantity - self._shipped - self._released

    @property
    def waits_for_stock(self) -> bool:
        return self.is_active and self._incoming > 0

    def release(self, stock: Stock, at: datetime) -> int:
        """Give every unit still held back to `stock` (the row this reservation holds them in):
        on-hand units to `reserved`, waiting ones to `reserved_incoming`. The reservation is
        released, whatever shipped before; returns how many units came back."""
        self._check_row(stock)
        self._move_to(ReservationState.RELEASED)
        given = self.held
        self._give_back(stock, waiting=self._incoming, on_hand=self.on_hand)
        self.released_at = at
        return given

    def check_release(self, units: int) -> None:
        """Refuses, without changing anything, a release of `units` this reservation cannot give:
        more than it holds, or any once it is released or fulfilled (ReleaseBeyondReservation)."""
        if units <= 0:
            raise InvalidQuantity(f"{self._label}: units to release must be positive, got {units}")
        if not self.is_active:
            raise ReleaseBeyondReservation(f"{self._label} is {self._state}: nothing left to release")
        if units > self.held:
            raise ReleaseBeyondReservation(
                f"{self._label}: {units} units to release, {self.held} held ({self.on_hand} on hand, "
                f"{self._incoming} still incoming; {self._shipped} shipped and {self._released} released "
                f"of {self.quantity})")

    def release_units(self, stock: Stock, units: int, at: datetime) -> None:
        """Give `units` of the units held back to `stock` (this reservation's row): waiting ones
        first, to `reserved_incoming`, then on-hand ones, to `reserved`. Holding nothing more
        ends the reservation: fulfilled if any unit shipped, else released (at `at`)."""
        self._check_row(stock)
        self.check_release(units)
        waiting = min(units, self._incoming)
        self._give_back(stock, waiting=waiting, on_hand=units - waiting)
        if self.held:
            return
        if self._shipped:
            self._move_to(ReservationState.FULFILLED)
        else:
            self._move_to(ReservationState.RELEASED)
            self.released_at = at

    def arrive(self, units: int) -> int:
        """Up to `units` of the waiting units are now on hand (the stock row already moved them,
        `Stock.receive`); returns how many this reservation took."""
        if not self.waits_for_stock:
            raise IllegalTransition(f"reservation of {self.sub_order.sub_order_id}/{self.allocation.line_id} "
                                    "waits for no incoming stock")
        taken = min(units, self._incoming)
        self._incoming -= taken
        return taken

    def check_shipping(self, units: int) -> None:
        """Refuses, without changing anything, a shipment of `units` this reservation cannot
        give: more than its on-hand units left (DeductionBeyondReservation — also once it is
        released or fulfilled), or units still incoming (UnitsStillIncoming)."""
        if not self.is_active:
            raise DeductionBeyondReservation(f"{self._label} is {self._state}: nothing left to ship")
        if units <= self.on_hand:
            return
        if self._incoming:
            raise UnitsStillIncoming(f"{self._label}: {units} units to ship, {self.on_hand} on hand, "
                                     f"{self._incoming} still incoming (pre-sale)")
        released = f", {self._released} released" if self._released else ""
        raise DeductionBeyondReservation(f"{self._label}: {units} units to ship, {self.on_hand} left "
                                         f"({self._shipped} of {self.quantity} shipped{released})")

    def ship(self, stock: Stock, units: int) -> None:
        """`units` of the on-hand units left with a shipment: `stock` (this reservation's row)
        drops them from on hand and reserved; once it holds nothing more (every unit shipped
        or released) the reservation is fulfilled."""
        self._check_row(stock)
        self.check_shipping(units)
        stock.deduct(units)
        self._shipped += units
        if not self.held:
            self._move_to(ReservationState.FULFILLED)

    def take_back(self, stock: Stock, units: int) -> None:
        """Returned units are on hand again in `stock` (this reservation's row), free to sell:
        the reservation counts them but reserves nothing again, whatever its state."""
        self._check_row(stock)
        if units > self._shipped - self._returned:
            raise RestockBeyondShipment(f"{self._label}: {units} units back, {self._shipped} shipped and "
                                        f"{self._returned} back before")
        stock.restock(units)
        self._returned += units

    def _give_back(self, stock: Stock, *, waiting: int, on_hand: int) -> None:
        if on_hand:
            stock.release(on_hand)
        if waiting:
            stock.release_incoming(waiting)
        self._incoming -= waiting
        self._released += waiting + on_hand

    @property
    def _label(self) -> str:
        return (f"reservation of {self.sub_order.order_id}/{self.sub_order.sub_order_id}/{self.allocation.line_id} "
                f"in {self.allocation.warehouse}")

    def _check_row(self, stock: Stock) -> None:
        if (stock.sku, stock.warehouse) != self.stock_key:
            raise ValueError(f"{stock!r} does not hold the reservation of {self.stock_key}")

    def _move_to(self, target: ReservationState) -> None:
        if target not in TRANSITIONS[self._state]:
            raise IllegalTransition(
                f"reservation of {self.sub_order.sub_order_id}/{self.allocation.line_id} "
                f"cannot go from {self._state} to {target}")
        self._state = target


def reserve(sub_order: SubOrderRef, allocations: Iterable[Allocation], stock: dict[tuple[str, str], Stock],
            at: datetime, *, pre_sale: bool = False) -> list[Reservation]:
    """Hold every allocation in its stock row, in on-hand stock or — pre-sale — in incoming
    stock only; all or nothing, since any shortfall raises."""
    reservations = []
    for allocation in allocations:
        row = stock[(allocation.sku, allocation.warehouse)]
        if pre_sale:
            row.reserve_incoming(allocation.quantity)
        else:
            row.reserve(allocation.quantity)
        reservations.append(Reservation(sub_order, allocation, at, pre_sale=pre_sale,
                                        incoming=allocation.quantity if pre_sale else 0))
    return reservations


def backed_by_on_hand(reservations: Iterable[Reservation]) -> bool:
    """A sub-order's active reservations (at least one) wait for no incoming stock."""
    active = [r for r in reservations if r.is_active]
    return bool(active) and not any(r.waits_for_stock for r in active)
