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
* some of them → `Shipment.stop_some`: before dispatch the shipment's lines shrink at once;
  dispatched, not shipped → the warehouse is asked to intercept the parcel (as for a merged
  shipment an order leaves): once it is stopped, the units leave its lines and it is dispatched
  again with the rest under a new number; refused, failed or not answered in time → going on; a
  dispatch not settled yet, or a parcel shipped (a carrier stops a whole parcel, not part of it)
  → `partial-parcel-on-its-way`, going on (after-sales takes them back as a return);
* none → it is left alone and not reported.
A request naming every line's whole quantity (the order's own cancellation) takes every live unit,
shipment by shipment in the usual order — exactly the full cancellation.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.events import LinesPlanned
from tradeflow_fulfillment.domain.interception import (
    NOT_CANCELLABLE_SIGNED,
    PARTIAL_PARCEL_ON_ITS_WAY,
    SOURCE,
    GoingOn,
    Interception,
    Stopped,
    Verdict,
)
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.stopping import OrderStop, Units
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus, stage_rank

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
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


class PartialStopping:
    """Part of the Shipment aggregate (`shipment.py`): stopping some of an order's units in it."""

    def stop_some(self: "Shipment", order_id: str, take: dict[str, int], reason: str, at: datetime,
                  deadline: datetime) -> Verdict | None:
        """Stop `take` (line id → units) of the order's units here, not all of them: the verdict
        now, or None while the warehouse is asked (an interception answered by `deadline`)."""
        if self.status in KEEPS_ITS_LINES:
            return Stopped(returning=self.status is not S.CANCELLED)
        if self.status is S.SIGNED:
            return GoingOn(NOT_CANCELLABLE_SIGNED, f"shipment {self.id} was signed for: after-sales takes it back")
        if self.dispatch_attempt is None and self.interception is None:
            if self.status in (S.PENDING_REVIEW, S.READY, S.INTERCEPTED):
                self.cut_units(order_id, take, reason, at)
                return Stopped()
            if not self.has_shipped and self.status is not S.INTERCEPTING:
                self._intercept(Interception((order_id,), reason, at, deadline, cut=tuple(take.items())), at)
                return None
        return GoingOn(PARTIAL_PARCEL_ON_ITS_WAY, f"shipment {self.id} is {self.status}: part of a parcel on its "
                                                  "way is not stopped (a carrier stops a whole parcel, not part of it; "
                                                  "or a dispatch is settling, or it is being stopped already); "
                                                  "after-sales takes these units back")

    def cut_units(self: "Shipment", order_id: str, take: Mapping[str, int], reason: str, at: datetime) -> None:
        """The units leave the shipment's lines (held, or stopped at the warehouse: it goes again
        without them); the order is told its lines here now (ShipmentPlanned)."""
        self._lines = [cut for ln in self._lines if (cut := _less(ln, take.get(ln.line_id, 0), order_id))]
        units = ", ".join(f"{n} × {line_id}" for line_id, n in take.items())
        self._record(at, E.SPLIT_OUT, SOURCE, detail=f"order {order_id}: {units} stopped: {reason}")
        self._events.append(LinesPlanned(order_id))


def _less(line: ShipmentLine, units: int, order_id: str) -> ShipmentLine | None:
    """The line without `units` (its share of the paid amount in proportion); None once empty."""
    if line.order_id != order_id or units == 0:
        return line
    if units >= line.quantity:
        return None
    left = line.quantity - units
    return replace(line, quantity=left, paid_amount=line.paid_amount * left // line.quantity)
