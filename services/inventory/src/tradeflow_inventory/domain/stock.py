"""Stock of one SKU in one warehouse: on hand, reserved for orders, and what is left to sell.

Invariants: 0 ≤ reserved ≤ on_hand. Every change goes through a method that keeps them, so
`available` can never be promised twice (no oversell).
"""

from dataclasses import dataclass

from tradeflow_inventory.domain.errors import InsufficientStock, InvalidQuantity, StockBelowReserved


@dataclass(frozen=True)
class Warehouse:
    """A place stock ships from; a lower `priority` number is preferred."""

    code: str
    region: str
    priority: int


class Stock:
    def __init__(self, sku: str, warehouse: str, on_hand: int = 0, reserved: int = 0) -> None:
        if on_hand < 0 or reserved < 0 or reserved > on_hand:
            raise InvalidQuantity(f"{sku}@{warehouse}: need 0 ≤ reserved ({reserved}) ≤ on_hand ({on_hand})")
        self.sku, self.warehouse = sku, warehouse
        self._on_hand, self._reserved = on_hand, reserved

    @property
    def on_hand(self) -> int:
        return self._on_hand

    @property
    def reserved(self) -> int:
        return self._reserved

    @property
    def available(self) -> int:
        return self._on_hand - self._reserved

    def set_on_hand(self, on_hand: int) -> None:
        """A stock count from staff replaces on-hand, but never below what is reserved."""
        if on_hand < 0:
            raise InvalidQuantity(f"{self._label}: on-hand cannot be negative ({on_hand})")
        if on_hand < self._reserved:
            raise StockBelowReserved(
                f"{self._label}: on-hand {on_hand} is below the {self._reserved} already reserved")
        self._on_hand = on_hand

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

    @property
    def _label(self) -> str:
        return f"{self.sku}@{self.warehouse}"

    def __repr__(self) -> str:
        return f"Stock({self._label}, on_hand={self._on_hand}, reserved={self._reserved})"


def _require_positive(quantity: int) -> None:
    if quantity <= 0:
        raise InvalidQuantity(f"a quantity must be positive, got {quantity}")
