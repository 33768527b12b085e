"""Re-review (DOMAIN §4 反审核, issue 11): staff send a shipment to another receiver. Part of the
Shipment aggregate (`shipment.py`).

* Not dispatched yet (in review, or ready with no dispatch begun) → changed at once.
* Dispatched, not shipped → the warehouse is asked to intercept it (`interception.py`, with the
  change); once intercepted the change applies — the receiver, and the carrier for its region — and
  the dispatcher sends it again under a new dispatch number (warehouses refuse a number twice)
  with a new waybill; the history keeps both dispatches. Not stopped in time → it goes on as it was.
* Shipped (or being stopped, or done) → refused: the parcel is on its way.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.dispatching import DispatchAttempt
from tradeflow_fulfillment.domain.errors import ReReviewRefused
from tradeflow_fulfillment.domain.interception import SOURCE, Change, Interception
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
AT_ONCE = (S.PENDING_REVIEW, S.READY)
BY_INTERCEPTION = (S.DISPATCHED, S.PICKED, S.PACKED, S.INTERCEPT_FAILED)


class ReReviewing:
    def re_review(self: "Shipment", change: Change, reason: str, actor: str, at: datetime,
                  deadline: datetime) -> bool:
        """True when changed at once; False when it waits for the warehouse to stop it."""
        if self._status in AT_ONCE and self._attempt is None:
            self._record(at, E.RE_REVIEW, actor, detail=f"requested: {reason}")
            self.apply_change(change, reason, at)
            return True
        if self._status in AT_ONCE:
            raise ReReviewRefused(f"shipment {self.id} is being dispatched right now: re-review it in a moment")
        if self._status not in BY_INTERCEPTION or self.has_shipped:
            raise ReReviewRefused(f"shipment {self.id} is {self._status}"
                                  f"{' and has left the warehouse' if self.has_shipped else ''}: it can no longer "
                                  "be re-reviewed")
        self._record(at, E.RE_REVIEW, actor, detail=f"requested: {reason}")
        self._intercept(Interception((), reason, at, deadline, change=change), at)
        return False

    def apply_change(self: "Shipment", change: Change, reason: str, at: datetime) -> None:
        """The new receiver and carrier; a waybill for them is asked at the next dispatch."""
        before = self.receiver
        self.receiver, self._carrier = change.receiver, change.carrier
        if self.dispatch_number is not None:  # it goes again: a new number, and a new waybill for the new receiver
            self._attempt = DispatchAttempt(self.next_dispatch_number, 0, at, replaces_waybill=self._waybill)
            self._waybill = None
        self._record(at, E.RE_REVIEW, SOURCE, detail=f"{before.region}/{before.city} → {change.receiver.region}/"
                                                     f"{change.receiver.city} with {change.carrier}: {reason}")
