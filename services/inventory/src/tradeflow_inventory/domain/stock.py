"""Stock of one SKU in one warehouse: on hand, reserved for orders, and what is left to sell; and
beside it incoming stock (units expected from a supplier), which only pre-sale orders reserve.

Invariants: 0 ≤ reserved ≤ on_hand and 0 ≤ reserved_incoming ≤ incoming. Every change goes
through a method that keeps them, so neither `available` nor `available_incoming` can ever be
promised twice (no oversell).
"""

from dataclasses import dataclass
from datetime import datetime

from tradeflow_inventory.domain.errors import (
    IncomingBelowReserved,
    InsufficientStock,
    InvalidQuantity,
    StockBelowReserved,
)


@dataclass(frozen=True)
class Warehouse:
    """A place stock ships from; a lower `priority` number is preferred."""

    code: str
    region: str
    priority: int


@dataclass(frozen=True)
class Received:
    """What one receipt of goods did to a stock row."""

    from_incoming: int
    """Received units that were expected (left `incoming`); the rest is plain on-hand stock."""
    converted: int
    """Units reserved against incoming stock that are now reserved on hand."""


class Stock:
    def __init__(self, sku: str, warehouse: str, on_hand: int = 0, reserved: int = 0, incoming: int = 0,
                 reserved_incoming: int = 0, incoming_eta: datetime | None = None) -> None:
        if on_hand < 0 or reserved < 0 or reserved > on_hand:
            raise InvalidQuantity(f"{sku}@{warehouse}: need 0 ≤ reserved ({reserved}) ≤ on_hand ({on_hand})")
        if incoming < 0 or reserved_incoming < 0 or reserved_incoming > incoming:
            raise InvalidQuantity(f"{sku}@{warehouse}: need 0 ≤ reserved_incoming ({reserved_incoming}) "
                                  f"≤ incoming ({incoming})")
        self.sku, self.warehouse = sku, warehouse
        self._on_hand, self._reserved = on_hand, reserved
        self._incoming, self._reserved_incoming, self._incoming_eta = incoming, reserved_incoming, incoming_eta

    @property
    def on_hand(self) -> int:
        return self._on_hand

    @property
    def reserved(self) -> int:
        return self._reserved

    @property
    def available(self) -> int:
        return self._on_hand - self._reserved

    @property
    def incoming(self) -> int:
        return self._incoming

    @property
    def reserved_incoming(self) -> int:
        return self._reserved_incoming

    @property
    def available_incoming(self) -> int:
        return self._incoming - self._reserved_incoming

    @property
    def incoming_eta(self) -> datetime | None:
        return self._incoming_eta

    def set_on_hand(self, on_hand: int) -> None:
        """A stock count from staff replaces on-hand, but never below what is reserved."""
        if on_hand < 0:
            raise InvalidQuantity(f"{self._label}: on-hand cannot be negative ({on_hand})")
        if on_hand < self._reserved:
            raise StockBelowReserved(
                f"{self._label}: on-hand {on_hand} is below the {self._reserved} already reserved")
        self._on_hand = on_hand

    def set_incoming(self, incoming: int) -> None:
        """Staff say how many units a supplier will deliver; never below what pre-sales reserved."""
        if incoming < 0:
            raise InvalidQuantity(f"{self._label}: incoming cannot be negative ({incoming})")
        if incoming < self._reserved_incoming:
            raise IncomingBelowReserved(
                f"{self._label}: incoming {incoming} is below the {self._reserved_incoming} already reserved "
                "by pre-sale orders")
        self._incoming = incoming

    def set_incoming_eta(self, eta: datetime | None) -> None:
        self._incoming_eta = eta

    def reserve(self, quantity: int) -> None:
        _require_positive(quantity)
        if quantity > self.available:
            raise InsufficientStock(f"{self._label}: {quantity} requested, {self.available} available")
        self._reserved += quantity

    def release(self, quantity: int) -> None:
        _require_positive(quantity)
        if quantity > self._reserved:
            raise InvalidQuantity(f"{self._label}: cannot release {quantity}, only {self._reserved} reserved")
        self._reserved -= quantity

    def reserve_incoming(self, quantity: int) -> None:
        _require_positive(quantity)
        if quantity > self.available_incoming:
            raise InsufficientStock(
                f"{self._label}: {quantity} requested, {self.available_incoming} incoming available")
        self._reserved_incoming += quantity

    def release_incoming(self, quantity: int) -> None:
        _require_positive(quantity)
        if quantity > self._reserved_incoming:
            raise InvalidQuantity(
                f"{self._label}: cannot release {quantity} incoming, only {self._reserved_incoming} reserved")
        self._reserved_incoming -= quantity

    def deduct(self, quantity: int) -> None:
        """Reserved units left the warehouse with a shipment: on hand and reserved both drop by
        them, so what is available to sell does not change."""
        _require_positive(quantity)
        if quantity > self._reserved:
            raise InvalidQuantity(f"{self._label}: cannot deduct {quantity}, only {self._reserved} reserved")
        self._reserved -= quantity
        self._on_hand -= quantity

    def restock(self, quantity: int) -> None:
        """Returned units are on hand again, free to sell: nothing is reserved for them."""
        _require_positive(quantity)
        self._on_hand += quantity

    def receive(self, quantity: int) -> Received:
        """Goods arrive: all of them go on hand, and up to `incoming` of them were expected.

        As many units as arrived (at most all of `reserved_incoming`) move from reserved incoming
        to reserved on hand: the pre-sale reservations waiting here must take exactly those
        (`Received.converted`). This keeps reserved_incoming ≤ incoming: what arrived beyond the
        units converted came out of the incoming nobody had reserved.
        """
        _require_positive(quantity)
        received = Received(from_incoming=min(quantity, self._incoming),
                            converted=min(quantity, self._reserved_incoming))
        self._on_hand += quantity
        self._incoming -= received.from_incoming
        self._reserved_incoming -= received.converted
        self._reserved += received.converted
        if self._incoming == 0:
            self._incoming_eta = None  # nothing is expected any more
        return received

    @property
    def _label(self) -> str:
        return f"{self.sku}@{self.warehouse}"

    def __repr__(self) -> str:
        return (f"Stock({self._label}, on_hand={self._on_hand}, reserved={self._reserved}, "
                f"incoming={self._incoming}, reserved_incoming={self._reserved_incoming})")


def _require_positive(quantity: int) -> None:
    if quantity <= 0:
        raise InvalidQuantity(f"a quantity must be positive, got {quantity}")
