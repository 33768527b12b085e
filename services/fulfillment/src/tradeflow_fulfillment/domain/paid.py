"""What fulfillment is handed when an order is paid (the app translates `order.paid` into this):
to whom, and per sub-order what to ship from which warehouses or to grant."""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from tradeflow_fulfillment.domain.errors import InvalidPaidOrder
from tradeflow_fulfillment.domain.model import Receiver


@dataclass(frozen=True)
class PaidLine:
    line_id: str
    sku: str
    quantity: int
    kind: str  # physical | virtual
    paid_amount: int
    warehouses: tuple[tuple[str, int], ...] = ()  # (code, units) holding the line's reservation
    fragile: bool = False
    oversize: bool = False
    weight_grams: int = 0  # per unit
    volume_cm3: int = 0  # per unit
    title: str | None = None

    @property
    def physical(self) -> bool:
        return self.kind == "physical"

    def warehouse_units(self) -> tuple[tuple[str, int], ...]:
        """Where the line's units are; they must add up to its quantity."""
        if self.quantity <= 0:
            raise InvalidPaidOrder(f"line {self.line_id}: quantity {self.quantity} is not positive")
        if not self.warehouses:
            raise InvalidPaidOrder(f"line {self.line_id} ({self.sku}) is physical but names no warehouse")
        if any(units <= 0 for _, units in self.warehouses) or sum(u for _, u in self.warehouses) != self.quantity:
            raise InvalidPaidOrder(f"line {self.line_id}: warehouses {list(self.warehouses)} do not add up to "
                                   f"its {self.quantity} units")
        return self.warehouses


@dataclass(frozen=True)
class PaidSubOrder:
    sub_order_id: str
    merchant_id: str
    lines: tuple[PaidLine, ...]
    awaiting_stock: bool = False
    """A pre-sale's goods still incoming (not arrived by planning): its shipments wait for them."""


@dataclass(frozen=True)
class PaidOrder:
    order_id: str
    buyer_id: str
    receiver: Receiver
    sub_orders: tuple[PaidSubOrder, ...]

    def lines(self, kind: str) -> list[tuple[PaidSubOrder, PaidLine]]:
        return [(sub, line) for sub in self.sub_orders for line in sub.lines if line.kind == kind]


def less_stopped(paid: PaidOrder, stopped: Mapping[str, int]) -> PaidOrder:
    """The order without the units a stop took before it was planned (by line): a line keeps the
    rest — its warehouse shares given up from the last, its paid amount in proportion (rounded
    down) — and lines, then sub-orders, left with nothing are dropped."""
    if not any(stopped.values()):
        return paid
    subs = [replace(sub, lines=tuple(ln for ln in (_less(ln, stopped.get(ln.line_id, 0)) for ln in sub.lines) if ln))
            for sub in paid.sub_orders]
    return replace(paid, sub_orders=tuple(sub for sub in subs if sub.lines))


def _less(line: PaidLine, stopped: int) -> PaidLine | None:
    left = line.quantity - min(stopped, line.quantity)
    if left == line.quantity:
        return line
    if not left:
        return None
    shares, give_up = [], line.quantity - left
    for code, units in reversed(line.warehouses):
        taken = min(units, give_up)
        give_up -= taken
        if units > taken:
            shares.insert(0, (code, units - taken))
    return replace(line, quantity=left, warehouses=tuple(shares), paid_amount=line.paid_amount * left // line.quantity)
