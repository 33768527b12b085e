"""Warehouse choice for a sub-order (预分仓), a pure strategy over a snapshot of availability.

1. One warehouse that can ship the whole sub-order, preferring the receiver's region, then the
   lower priority number, then the code (so the choice is deterministic).
2. Otherwise, only if splitting is allowed: each line takes what it needs from warehouses in the
   same order of preference.
3. Otherwise the sub-order cannot be reserved; the shortages say, per SKU, how much is missing
   from the best candidate: the single warehouse covering the most units, or all warehouses
   together when splitting was allowed.

A pre-sale sub-order is allocated by the same rules over incoming stock (`availability`), never
over on-hand stock; any other sub-order never over incoming stock.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tradeflow_inventory.domain.errors import InvalidReservationRequest
from tradeflow_inventory.domain.stock import Stock, Warehouse

Availability = Mapping[tuple[str, str], int]
"""(sku, warehouse code) → units available to reserve."""


@dataclass(frozen=True)
class LineRequest:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class Allocation:
    line_id: str
    sku: str
    warehouse: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku: str
    requested: int
    available: int


@dataclass(frozen=True)
class AllocationPlan:
    allocations: tuple[Allocation, ...] = ()
    shortages: tuple[Shortage, ...] = ()

    @property
    def feasible(self) -> bool:
        return bool(self.allocations) and not self.shortages


def allocate(lines: Sequence[LineRequest], region: str, allow_split: bool,
             warehouses: Iterable[Warehouse], available: Availability) -> AllocationPlan:
    _validate(lines)
    ranked = rank_warehouses(warehouses, region)
    demand = _demand(lines)
    whole = next((w for w in ranked if _covers(w, demand, available)), None)
    if whole is not None:
        return AllocationPlan(tuple(Allocation(ln.line_id, ln.sku, whole.code, ln.quantity) for ln in lines))
    if allow_split:
        return _split(lines, ranked, demand, available)
    return AllocationPlan(shortages=_shortages(demand, _best_single(ranked, demand, available), available))


def availability(rows: Iterable[Stock], *, pre_sale: bool = False) -> dict[tuple[str, str], int]:
    """What each stock row can still promise: its available on-hand units, or — pre-sale — its
    available incoming units."""
    return {(row.sku, row.warehouse): row.available_incoming if pre_sale else row.available for row in rows}


def rank_warehouses(warehouses: Iterable[Warehouse], region: str) -> list[Warehouse]:
    """Most preferred first: the receiver's region, then priority, then code."""
    return sorted(warehouses, key=lambda w: (w.region != region, w.priority, w.code))


def _validate(lines: Sequence[LineRequest]) -> None:
    if not lines:
        raise InvalidReservationRequest("a sub-order needs at least one line to reserve")
    if any(line.quantity <= 0 for line in lines):
        raise InvalidReservationRequest("every line needs a positive quantity")
    if len({line.line_id for line in lines}) != len(lines):
        raise InvalidReservationRequest("line ids must be unique within a sub-order")


def _demand(lines: Sequence[LineRequest]) -> Counter[str]:
    demand: Counter[str] = Counter()
    for line in lines:
        demand[line.sku] += line.quantity
    return demand


def _covers(warehouse: Warehouse, demand: Counter[str], available: Availability) -> bool:
    return all(available.get((sku, warehouse.code), 0) >= need for sku, need in demand.items())


def _split(lines: Sequence[LineRequest], ranked: list[Warehouse], demand: Counter[str],
           available: Availability) -> AllocationPlan:
    left = dict(available)
    allocations: list[Allocation] = []
    for line in lines:
        need = line.quantity
        for warehouse in ranked:
            take = min(need, left.get((line.sku, warehouse.code), 0))
            if take > 0:
                allocations.append(Allocation(line.line_id, line.sku, warehouse.code, take))
                left[(line.sku, warehouse.code)] -= take
                need -= take
        if need > 0:
            return AllocationPlan(shortages=_shortages(demand, ranked, available))
    return AllocationPlan(tuple(allocations))


def _best_single(ranked: list[Warehouse], demand: Counter[str], available: Availability) -> list[Warehouse]:
    """The warehouse covering the most requested units (the most preferred among equals)."""
    def covered(warehouse: Warehouse) -> int:
        return sum(min(need, available.get((sku, warehouse.code), 0)) for sku, need in demand.items())

    return [max(ranked, key=covered)] if ranked else []


def _shortages(demand: Counter[str], candidates: list[Warehouse], available: Availability) -> tuple[Shortage, ...]:
    shortages = []
    for sku, need in sorted(demand.items()):
        have = sum(available.get((sku, w.code), 0) for w in candidates)
        if have < need:
            shortages.append(Shortage(sku, need, have))
    return tuple(shortages)
