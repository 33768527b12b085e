"""Re-review (DOMAIN §4 反审核, issue 11): staff send a shipment to another receiver, and/or — the
warehouse asking to split the parcel (拆包裹) — pack some of its units apart. Part of the Shipment
aggregate (`shipment.py`).

* Not dispatched yet (in review, or ready with no dispatch begun) → changed at once.
* Dispatched, not shipped → the warehouse is asked to intercept it (`interception.py`, with the
  change); once intercepted the change applies — the receiver, and the carrier for its region — and
  the dispatcher sends it again under a new dispatch number (warehouses refuse a number twice)
  with a new waybill; the history keeps both dispatches. Not stopped in time → it goes on as it was.
* Shipped (or being stopped, or done) → refused: the parcel is on its way.

The interception's answer is the re-review's outcome (`ReReviewOutcome`, pulled once by whoever
waits for it: a receiver change, `receiver_change.py`): changed after interception, or why not.

Packing apart replaces the shipment (once changed, or stopped at the warehouse) by two new ones —
the units asked apart and the rest — planned and dispatched as usual under their own numbers; the
old one is cancelled holding nothing, and a shipment in review splits into two in review.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.dispatching import DispatchAttempt
from tradeflow_fulfillment.domain.errors import BeingDispatched, ReReviewRefused
from tradeflow_fulfillment.domain.events import OrderLeft
from tradeflow_fulfillment.domain.interception import SOURCE, Change, Interception
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
AT_ONCE = (S.PENDING_REVIEW, S.READY)
BY_INTERCEPTION = (S.DISPATCHED, S.PICKED, S.PACKED, S.INTERCEPT_FAILED)
CHANGED, CHANGED_AFTER_INTERCEPTION, ON_ITS_WAY = "changed", "changed after interception", "on its way"


@dataclass(frozen=True)
class ReReviewOutcome:
    """What became of a re-review the warehouse was asked to stop the shipment for: `detail` is
    `changed after interception`, or why not (`intercept-failed`, `intercept-timeout`, `on its
    way`, or the shipment was cancelled meanwhile)."""

    changed: bool
    detail: str


class ReReviewing:
    def re_review(self: "Shipment", change: Change, reason: str, actor: str, at: datetime,
                  deadline: datetime) -> bool:
        """True when changed at once; False when it waits for the warehouse to stop it."""
        if why := self._split_refusal(change.split):
            raise ReReviewRefused(f"shipment {self.id}: {why}")
        if self._status in AT_ONCE and self._attempt is None:
            self._record(at, E.RE_REVIEW, actor, detail=f"requested: {reason}")
            self.apply_change(change, reason, at)
            return True
        if self._status in AT_ONCE:
            raise BeingDispatched(f"shipment {self.id} is being dispatched right now: re-review it in a moment")
        if self._status not in BY_INTERCEPTION or self.has_shipped:
            raise ReReviewRefused(f"shipment {self.id} is {self._status}"
                                  f"{' and has left the warehouse' if self.has_shipped else ''}: it can no longer "
                                  "be re-reviewed")
        self._record(at, E.RE_REVIEW, actor, detail=f"requested: {reason}")
        self._intercept(Interception((), reason, at, deadline, change=change), at)
        return False

    def apply_change(self: "Shipment", change: Change, reason: str, at: datetime) -> None:
        """The new receiver and carrier; a waybill for them is asked at the next dispatch. A split
        is left to `split_up` (the app plans the two new shipments)."""
        before = self.receiver
        self.receiver, self._carrier = change.receiver, change.carrier
        self._split_pending = change.split
        if self.dispatch_number is not None and not change.split:  # it goes again: a new number and waybill
            self._attempt = DispatchAttempt(self.next_dispatch_number, 0, at, replaces_waybill=self._waybill)
            self._waybill = None
        self._record(at, E.RE_REVIEW, SOURCE, detail=f"{before.region}/{before.city} → {change.receiver.region}/"
                                                     f"{change.receiver.city} with {change.carrier}: {reason}")

    def change_after_interception(self: "Shipment", change: Change, reason: str, at: datetime) -> None:
        """The warehouse stopped it for the change: applied, unless an order's stop that joined the
        interception cancelled the shipment meanwhile."""
        if self._status is S.INTERCEPTED:
            self.apply_change(change, reason, at)
            self._re_reviewed = ReReviewOutcome(True, CHANGED_AFTER_INTERCEPTION)
        else:
            self._re_reviewed = ReReviewOutcome(False, f"{self._status}: its orders were stopped meanwhile")

    def change_not_made(self: "Shipment", why: str) -> None:
        """The interception a re-review asked did not stop the shipment (or it comes back)."""
        self._re_reviewed = ReReviewOutcome(False, why)

    def pull_re_review(self: "Shipment") -> ReReviewOutcome | None:
        """The outcome of the re-review just settled by the interception's answer (once)."""
        outcome, self._re_reviewed = self._re_reviewed, None
        return outcome

    @property
    def split_pending(self: "Shipment") -> tuple[tuple[str, int], ...]:
        """Units a re-review just asked to pack apart; the app then calls `split_up`."""
        return self._split_pending

    def split_up(self: "Shipment", into: tuple[str, str],
                 at: datetime) -> tuple[list[ShipmentLine], list[ShipmentLine]]:
        """Replace the shipment by two (ids `into`): the units asked apart, and the rest — each
        line's paid amount shared by units to the cent. This one keeps nothing (a later stop must
        never find the units twice): each order is told its part of it is cancelled."""
        apart, rest = [], []
        for line in self._lines:
            units = dict(self.split_pending).get(line.line_id, 0)
            share = line.paid_amount * units // line.quantity
            if units:
                apart.append(replace(line, quantity=units, paid_amount=share))
            if units < line.quantity:
                rest.append(replace(line, quantity=line.quantity - units, paid_amount=line.paid_amount - share))
        orders, status = self.order_ids, self._status
        self._lines, self._split_pending, self._attempt = [], (), None
        self._events.extend(OrderLeft(order_id, status) for order_id in orders)
        self.cancel(f"re-reviewed: packed apart into {into[0]} and {into[1]}", at, SOURCE)
        return apart, rest

    def _split_refusal(self: "Shipment", split: tuple[tuple[str, int], ...]) -> str | None:
        if not split:
            return None
        held = {ln.line_id: ln.quantity for ln in self._lines}
        for line_id, units in split:
            if line_id not in held:
                return f"it holds no line {line_id}"
            if not 0 < units <= held[line_id]:
                return f"line {line_id}: {units} units to pack apart, it holds {held[line_id]}"
        if sum(units for _, units in split) == sum(held.values()):
            return "packing every unit apart leaves nothing to split from"
        return None
