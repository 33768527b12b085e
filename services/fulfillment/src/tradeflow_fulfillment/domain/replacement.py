"""An exchange's replacement (DOMAIN §5 换货, issue 12): the case's units shipped as shipments of
the case — one per warehouse its reservation holds units in, never merged with anything, its
lines under the order's line ids with the case id as their sub-order (what inventory reserved
them under, so the stock deducted at shipped is the case's)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.model import Receiver, ShipmentLine
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.domain.shipment import Shipment


@dataclass(frozen=True)
class Replacement:
    case_id: str
    order_id: str
    buyer_id: str
    merchant_id: str
    receiver: Receiver
    lines: Sequence[tuple[str, str, int]]  # (line id, sku, units)
    warehouses: Sequence[tuple[str, int]]  # (warehouse, units reserved there)


def by_warehouse(r: Replacement) -> dict[str, list[tuple[str, str, int]]]:
    """The lines' units laid over the warehouses' in order: each line fills the first warehouse
    with units left, then the next. The warehouses must hold exactly the lines' units."""
    if sum(n for *_, n in r.lines) != sum(n for _, n in r.warehouses) or any(n <= 0 for _, n in r.warehouses):
        raise FulfillmentError(f"case {r.case_id}: the warehouses hold {sum(n for _, n in r.warehouses)} units, "
                               f"the replacement is {sum(n for *_, n in r.lines)}")
    room = [[code, n] for code, n in r.warehouses]
    laid: dict[str, list[tuple[str, str, int]]] = {}
    for line_id, sku, units in r.lines:
        for slot in room:
            take = min(units, slot[1])
            if take:
                laid.setdefault(slot[0], []).append((line_id, sku, take))
                slot[1], units = slot[1] - take, units - take
    return laid


def plan_replacement(r: Replacement, rules: PlanningRules, *, at: datetime,
                     new_id: Callable[[], str]) -> list[Shipment]:
    """One shipment of the case per warehouse, due at once (no merge window)."""
    shipments = []
    for warehouse, lines in by_warehouse(r).items():
        merged: dict[tuple[str, str], int] = {}
        for line_id, sku, units in lines:
            merged[(line_id, sku)] = merged.get((line_id, sku), 0) + units
        shipment_lines = [ShipmentLine(line_id, r.order_id, r.case_id, r.merchant_id, sku, units)
                          for (line_id, sku), units in merged.items()]
        shipments.append(Shipment.plan(new_id(), buyer_id=r.buyer_id, receiver=r.receiver, warehouse=warehouse,
                                       carrier=rules.carriers.carrier_for(warehouse, r.receiver.region),
                                       lines=shipment_lines, at=at, window=timedelta(0), rules=rules.parcels,
                                       case_id=r.case_id))
    return shipments
