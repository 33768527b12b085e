"""An order's stop: fulfillment's record of a cancellation after payment (DOMAIN §4 订单取消).

One per order, kept across requests. A request asks every shipment holding the order's goods
(`Shipment.stop`) and revokes its entitlements; each part is decided now or later (an
interception, a dispatch to settle), and once nothing is `waiting` the stop is answered: every
unit of the order stopped so far — by this request or an earlier one — and those going on with
why. Stopped is final; a unit that went on is asked again by the next request. A request may stop
fewer units of a line than the order has (an after-sales case before shipment): see
`partial_stop.py`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.interception import GoingOn, Stopped, Verdict

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment


@dataclass(frozen=True)
class Units:
    """Units of one order line: in one shipment (with its warehouse), or an entitlement, or —
    never planned — neither."""

    line_id: str
    sub_order_id: str
    quantity: int
    shipment_id: str | None = None
    warehouse: str | None = None
    entitlement_id: str | None = None
    piece: str | None = None
    """Some of the order's units in a shipment, decided apart from the rest (a partial stop:
    `partial_stop.py`) — `<shipment>#cut-<n>`: taken out of the shipment's lines, `<shipment>#kept-<n>`:
    counted against lines that stay (the shipment was cancelled or comes back anyway)."""

    @property
    def part(self) -> str:
        """What was decided as one: a piece of a shipment, a shipment, an entitlement, or the line
        itself (never planned)."""
        return self.piece or self.shipment_id or self.entitlement_id or f"line:{self.line_id}"


@dataclass(frozen=True)
class Outcome:
    units: Units
    verdict: Verdict


class OrderStop:
    def __init__(self, *, order_id: str, reason: str, requested_by: str, requested_at: datetime,
                 outcomes: list[Outcome] | None = None, waiting: dict[str, list[Units]] | None = None,
                 answered_at: datetime | None = None) -> None:
        self.order_id, self.reason, self.requested_by, self.requested_at = order_id, reason, requested_by, requested_at
        self._outcomes = list(outcomes or [])
        self._waiting = dict(waiting or {})
        self.answered_at = answered_at

    @classmethod
    def request(cls, order_id: str, reason: str, requested_by: str, at: datetime) -> "OrderStop":
        return cls(order_id=order_id, reason=reason, requested_by=requested_by, requested_at=at)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(self._outcomes)

    @property
    def waiting(self) -> dict[str, tuple[Units, ...]]:
        """The parts (shipments) still being decided, with the order's units in each."""
        return {part: tuple(units) for part, units in self._waiting.items()}

    @property
    def decided(self) -> bool:
        return not self._waiting

    def ask_again(self, reason: str, requested_by: str, at: datetime) -> None:
        """A new request after an answer: what went on is decided again."""
        if self._waiting:
            raise FulfillmentError(f"order {self.order_id}: a stop is being decided already")
        self.reason, self.requested_by, self.requested_at, self.answered_at = reason, requested_by, at, None
        self._outcomes = [o for o in self._outcomes if isinstance(o.verdict, Stopped)]

    def is_stopped(self, part: str) -> bool:
        return any(o.units.part == part and isinstance(o.verdict, Stopped) for o in self._outcomes)

    def stopped_quantity(self, line_id: str) -> int:
        """The line's units stopped so far, by every request."""
        return sum(o.units.quantity for o in self._outcomes
                   if o.units.line_id == line_id and isinstance(o.verdict, Stopped))

    def pieces_of(self, shipment_id: str) -> list[Units]:
        """The units of the shipment stopped piece by piece (partial stops), in the order decided."""
        return [o.units for o in self._outcomes if o.units.piece and o.units.shipment_id == shipment_id
                and isinstance(o.verdict, Stopped)]

    def wait_for(self, part: str, units: list[Units]) -> None:
        """`part`: the shipment whose answer decides `units` (all the order's there, or a piece)."""
        self._waiting[part] = list(units)

    def decide(self, units: list[Units], verdict: Verdict) -> None:
        """The verdict for these units (one part); a part waited for is decided with its units."""
        parts = {u.part for u in units}
        self._outcomes = [o for o in self._outcomes if o.units.part not in parts]
        self._outcomes += [Outcome(u, verdict) for u in units]
        for part in parts:
            self._waiting.pop(part, None)

    def decide_waiting(self, part: str, verdict: Verdict) -> bool:
        """The verdict for a part waited for; False when this stop was not waiting for it."""
        units = self._waiting.pop(part, None)
        if units is None:
            return False
        self.decide(units, verdict)
        return True

    def answer(self, at: datetime) -> tuple[list[tuple[Units, Stopped]], list[tuple[Units, GoingOn]]]:
        """(stopped, going on), once every part is decided."""
        if self._waiting:
            raise FulfillmentError(f"order {self.order_id}: {sorted(self._waiting)} still being decided")
        self.answered_at = at
        stopped = [(o.units, o.verdict) for o in self._outcomes if isinstance(o.verdict, Stopped)]
        going_on = [(o.units, o.verdict) for o in self._outcomes if isinstance(o.verdict, GoingOn)]
        return stopped, going_on


def units_in(shipment: "Shipment", order_id: str) -> list[Units]:
    """The order's units in the shipment, line by line."""
    return [Units(ln.line_id, ln.sub_order_id, ln.quantity, shipment.id, shipment.warehouse)
            for ln in shipment.lines if ln.order_id == order_id]

