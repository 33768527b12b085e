"""A reservation: units of one sub-order line held in one warehouse until they ship or are
released (the order is cancelled).

A pre-sale reservation holds its units against incoming stock: all of them wait (`incoming`) at
first, and receipts of goods turn them into on-hand units, oldest reservation first.

Units ship in one or more shipments (出库扣减): each takes some of the on-hand units it holds, and
the reservation counts them (`shipped`); it is fulfilled when every unit has shipped, and stays
active for the rest until then — so releasing a partly shipped reservation gives back only what
did not ship. Returned units (退货入库) go back on hand and are counted (`returned`), never
reserved again.

States: active → released | fulfilled. Only an active reservation counts, so a stock row's
`reserved` always equals the sum of its active reservations' on-hand units (quantity − incoming
− shipped), and its `reserved_incoming` the sum of their waiting units.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import (
    DeductionBeyondReservation,
    IllegalTransition,
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
                 pre_sale: bool = False, incoming: int = 0, shipped: int = 0, returned: int = 0) -> None:
        if not 0 <= incoming <= allocation.quantity or (incoming and not pre_sale):
            raise ValueError(f"{allocation}: {incoming} units waiting for incoming stock (pre-sale: {pre_sale})")
        if not (0 <= shipped <= allocation.quantity - incoming and 0 <= returned <= shipped
                and (state is ReservationState.FULFILLED) == (shipped == allocation.quantity)):
            raise ValueError(f"{allocation}: {state} with {shipped} units shipped and {returned} returned")
        self.sub_order, self.allocation, self.reserved_at = sub_order, allocation, reserved_at
        self._state, self.released_at = state, released_at
        self.pre_sale, self._incoming = pre_sale, incoming
        self._shipped, self._returned = shipped, returned

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
        """Units held in on-hand stock: arrived and not yet shipped."""
        return self.quantity - self._incoming - self._shipped

    @property
    def shipped(self) -> int:
        """Units that left the warehouse with shipments."""
        return self._shipped

    @property
    def returned(self) -> int:
        """Shipped units that came back on hand with returns."""
        return self._returned

    @property
    def unshipped(self) -> int:
        """Units not shipped: what a release gives back while the reservation is active."""
        return self.quantity - self._shipped

    @property
    def waits_for_stock(self) -> bool:
        return self.is_active and self._incoming > 0

    def release(self, stock: Stock, at: datetime) -> None:
        """Give the units not shipped back to `stock` (the row this reservation holds them in):
        on-hand units to `reserved`, waiting ones to `reserved_incoming`."""
        self._check_row(stock)
        self._move_to(ReservationState.RELEASED)
        if self.on_hand:
            stock.release(self.on_hand)
        if self._incoming:
            stock.release_incoming(self._incoming)
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
        raise DeductionBeyondReservation(f"{self._label}: {units} units to ship, {self.on_hand} left "
                                         f"({self._shipped} of {self.quantity} shipped)")

    def ship(self, stock: Stock, units: int) -> None:
        """`units` of the on-hand units left with a shipment: `stock` (this reservation's row)
        drops them from on hand and reserved; every unit shipped fulfils the reservation."""
        self._check_row(stock)
        self.check_shipping(units)
        stock.deduct(units)
        self._shipped += units
        if self._shipped == self.quantity:
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
