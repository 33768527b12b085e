"""A reservation: units of one sub-order line held in one warehouse until they are released
(the order is cancelled) or deducted (the goods ship, a later step).

States: active → released | deducted. Only an active reservation counts towards `reserved`,
so a stock row's `reserved` always equals the sum of its active reservations.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.errors import IllegalTransition
from tradeflow_inventory.domain.stock import Stock


class ReservationState(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    DEDUCTED = "deducted"


TRANSITIONS: dict[ReservationState, frozenset[ReservationState]] = {
    ReservationState.ACTIVE: frozenset({ReservationState.RELEASED, ReservationState.DEDUCTED}),
    ReservationState.RELEASED: frozenset(),
    ReservationState.DEDUCTED: frozenset(),
}


@dataclass(frozen=True)
class SubOrderRef:
    order_id: str
    sub_order_id: str


class Reservation:
    def __init__(self, sub_order: SubOrderRef, allocation: Allocation, reserved_at: datetime,
                 state: ReservationState = ReservationState.ACTIVE, released_at: datetime | None = None) -> None:
        self.sub_order, self.allocation, self.reserved_at = sub_order, allocation, reserved_at
        self._state, self.released_at = state, released_at

    @property
    def state(self) -> ReservationState:
        return self._state

    @property
    def is_active(self) -> bool:
        return self._state is ReservationState.ACTIVE

    @property
    def stock_key(self) -> tuple[str, str]:
        return self.allocation.sku, self.allocation.warehouse

    @property
    def quantity(self) -> int:
        return self.allocation.quantity

    def release(self, stock: Stock, at: datetime) -> None:
        """Give the units back to `stock` (the row this reservation holds them in)."""
        if (stock.sku, stock.warehouse) != self.stock_key:
            raise ValueError(f"{stock!r} does not hold the reservation of {self.stock_key}")
        self._move_to(ReservationState.RELEASED)
        stock.release(self.quantity)
        self.released_at = at

    def _move_to(self, target: ReservationState) -> None:
        if target not in TRANSITIONS[self._state]:
            raise IllegalTransition(
                f"reservation of {self.sub_order.sub_order_id}/{self.allocation.line_id} "
                f"cannot go from {self._state} to {target}")
        self._state = target


def reserve(sub_order: SubOrderRef, allocations: Iterable[Allocation], stock: dict[tuple[str, str], Stock],
            at: datetime) -> list[Reservation]:
    """Hold every allocation in its stock row; all or nothing, since any shortfall raises."""
    reservations = []
    for allocation in allocations:
        stock[(allocation.sku, allocation.warehouse)].reserve(allocation.quantity)
        reservations.append(Reservation(sub_order, allocation, at))
    return reservations
