"""Stopping some of an order's units (DOMAIN §4 订单取消 for part of a line, issue 12): an
after-sales refund-only case before shipment asks fulfillment's cancellation for the units of
its lines. StopFulfillment names, per line, the units to be stopped *in all* (cumulative): what
is left to stop is that less what was stopped before (`OrderStop.stopped_quantity`).

Which units: those least far along first — shipments not dispatched, then dispatched, then
shipped (then signed, which cannot be stopped) — so a case stops what costs least. In each
shipment, in that order, the order's live units (`live_units`: not stopped yet) are taken as far
as each line has units left to stop (`to_take`):
* all the order's live units there → the shipment is stopped for the order as in a full
  cancellation (`Shipment.stop`, by stage);
* some of them → `Shipment.stop_some`: before dispatch the shipment's lines shrink at once; a
  shipment on its way (a dispatch begun, dispatched, shipped) keeps them — stopping part of a
  parcel would need the warehouse to re-pack it, which is not done: `partial-parcel-on-its-way`,
  going on (after-sales takes them back as a return);
* none → it is left alone and not reported.
A request naming every line's whole quantity (the order's own cancellation) takes every live unit,
shipment by shipment in the usual order — exactly the full cancellation.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.stopping import OrderStop, Units
from tradeflow_fulfillment.domain.transitions import ShipmentStatus, stage_rank

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S = ShipmentStatus
KEEPS_ITS_LINES = (S.CANCELLED, S.RETURNING, S.RETURNED)  # stopped pieces are counted against its lines


def left_to_stop(stop: OrderStop, requested: Mapping[str, int]) -> dict[str, int]:
    """Per line: the units still to stop (requested in all, less those stopped before)."""
    return {line_id: max(units - stop.stopped_quantity(line_id), 0) for line_id, units in requested.items()}


def live_units(stop: OrderStop, shipment: "Shipment", order_id: str) -> dict[str, int]:
    """The order's units in the shipment not stopped yet, by line."""
    live = {}
    for ln in shipment.lines:
        if ln.order_id == order_id:
            live[ln.line_id] = live.get(ln.line_id, 0) + ln.quantity
    if shipment.status in KEEPS_ITS_LINES:
        for piece in stop.pieces_of(shipment.id):
            live[piece.line_id] = live.get(piece.line_id, 0) - piece.quantity
    return {line_id: units for line_id, units in live.items() if units > 0}


def to_take(left: dict[str, int], live: Mapping[str, int]) -> dict[str, int]:
    """The units to stop in a shipment holding `live`; `left` is lowered by them."""
    take = {}
    for line_id, units in live.items():
        n = min(units, left.get(line_id, 0))
        if n:
            take[line_id] = n
            left[line_id] -= n
    return take


def stage_order(shipments: Iterable["Shipment"]) -> list["Shipment"]:
    """Least far along first: not dispatched, then by how far the goods were reported (signed last)."""
    def key(s: "Shipment") -> tuple[int, str]:
        if s.status is S.SIGNED:
            return len(S), s.id
        if s.progress is None and s.dispatch_attempt is None:
            return -1, s.id
        return stage_rank(s.progress or S.DISPATCHED), s.id
    return sorted(shipments, key=key)


def whole_request(left: Mapping[str, int], live: Iterable[Mapping[str, int]]) -> bool:
    """Whether every live unit is to be stopped (the order's own cancellation)."""
    totals: dict[str, int] = {}
    for units in live:
        for line_id, n in units.items():
            totals[line_id] = totals.get(line_id, 0) + n
    return all(left.get(line_id, 0) >= n for line_id, n in totals.items())


def piece(shipment: "Shipment", stop: OrderStop, take: Mapping[str, int], sub_orders: Mapping[str, str],
          cut: bool) -> list[Units]:
    """The units taken from the shipment as a new piece of it."""
    n = len({o.units.piece for o in stop.outcomes if o.units.shipment_id == shipment.id and o.units.piece})
    name = f"{shipment.id}#{'cut' if cut else 'kept'}-{n + 1}"
    return [Units(line_id, sub_orders[line_id], units, shipment.id, shipment.warehouse, piece=name)
            for line_id, units in take.items()]
