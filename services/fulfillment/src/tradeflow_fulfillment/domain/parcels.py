"""Splitting a paid order's physical goods into parcels (DOMAIN §4, 003 拆单).

Rules, in order:
* one parcel set per warehouse holding the units (a line split over two warehouses ships from
  both, with the units each holds);
* fragile lines ship apart from the others; each oversize line ships alone;
* a parcel never exceeds the carrier's weight or volume limit: lines are split by units, each
  unit going to the first parcel with room (first fit); one unit over a limit ships alone (and
  the shipment is flagged `over_limit`);
* each line's paid amount is shared over its parcels by units, to the cent (cumulative floor:
  the last piece takes the remainder), so the value of a parcel is exact.
"""

from dataclasses import dataclass, field, replace

from tradeflow_fulfillment.domain.model import ParcelRules, ShipmentLine
from tradeflow_fulfillment.domain.paid import PaidLine, PaidOrder, PaidSubOrder

_UNLIMITED = 2**62


@dataclass
class Parcel:
    warehouse: str
    lines: list[ShipmentLine] = field(default_factory=list)
    sealed: bool = False  # one unit over a limit: it takes nothing more

    def room_for(self, line: ShipmentLine, rules: ParcelRules) -> int:
        """How many more units of `line` fit."""
        if self.sealed:
            return 0
        weight = sum(ln.total_weight_grams for ln in self.lines)
        volume = sum(ln.total_volume_cm3 for ln in self.lines)
        by_weight = (rules.max_weight_grams - weight) // line.weight_grams if line.weight_grams else _UNLIMITED
        by_volume = (rules.max_volume_cm3 - volume) // line.volume_cm3 if line.volume_cm3 else _UNLIMITED
        return max(0, min(by_weight, by_volume))


def plan_parcels(paid: PaidOrder, rules: ParcelRules) -> list[Parcel]:
    """The parcels of the order's physical lines, by warehouse in the order they first appear."""
    by_warehouse: dict[str, list[ShipmentLine]] = {}
    for sub, line in paid.lines("physical"):
        for code, units in line.warehouse_units():
            by_warehouse.setdefault(code, []).append(_units_of(paid, sub, line, units))
    parcels = [p for code, items in by_warehouse.items() for p in _split(code, items, rules)]
    _share_paid_amounts(parcels, {line.line_id: line for _, line in paid.lines("physical")})
    return parcels


def _units_of(paid: PaidOrder, sub: PaidSubOrder, line: PaidLine, units: int) -> ShipmentLine:
    return ShipmentLine(line.line_id, paid.order_id, sub.sub_order_id, sub.merchant_id, line.sku, units,
                        weight_grams=line.weight_grams, volume_cm3=line.volume_cm3, fragile=line.fragile,
                        oversize=line.oversize)


def _split(warehouse: str, items: list[ShipmentLine], rules: ParcelRules) -> list[Parcel]:
    ordinary = [i for i in items if not i.fragile and not i.oversize]
    fragile = [i for i in items if i.fragile and not i.oversize]
    alone = [[i] for i in items if i.oversize]
    return [p for group in (ordinary, fragile, *alone) for p in pack(warehouse, group, rules)]


def pack(warehouse: str, items: list[ShipmentLine], rules: ParcelRules) -> list[Parcel]:
    """First fit by units: every unit in the first parcel with room for it, new parcels as needed."""
    parcels: list[Parcel] = []
    for item in items:
        if not rules.fits(item.weight_grams, item.volume_cm3):
            parcels += [Parcel(warehouse, [item.with_quantity(1)], sealed=True) for _ in range(item.quantity)]
            continue
        left = item.quantity
        for parcel in parcels:
            if taken := min(left, parcel.room_for(item, rules)):
                parcel.lines.append(item.with_quantity(taken))
                left -= taken
        while left:
            parcel = Parcel(warehouse)
            taken = min(left, parcel.room_for(item, rules))
            parcel.lines.append(item.with_quantity(taken))
            parcels.append(parcel)
            left -= taken
    return parcels


def _share_paid_amounts(parcels: list[Parcel], lines: dict[str, PaidLine]) -> None:
    done: dict[str, int] = {}
    for parcel in parcels:
        for i, piece in enumerate(parcel.lines):
            line = lines[piece.line_id]
            before = done.get(line.line_id, 0)
            done[line.line_id] = before + piece.quantity
            share = line.paid_amount * done[line.line_id] // line.quantity - line.paid_amount * before // line.quantity
            parcel.lines[i] = replace(piece, paid_amount=share)
