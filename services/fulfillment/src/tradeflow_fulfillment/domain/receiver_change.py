"""A receiver change (issue 13): a channel's address change, approved by staff (ChangeReceiver),
sends the order's goods not yet on their way to another receiver. One record per `change_id`.

Every shipment holding the order's goods (not an after-sales case's replacement, not one that goes
nowhere any more: cancelled, or coming back) is re-reviewed as staff would (反审核, `re_review.py`):
* not dispatched → changed at once (`changed`), with the carrier for the new region;
* dispatched, not shipped → the warehouse is asked to stop it: the change `waits` for its answer —
  `changed after interception` (it goes again under a new dispatch number and waybill), or not
  (`intercept-failed`, `intercept-timeout`);
* on its way, or being stopped or re-reviewed already → refused, the detail says why;
* merged with other orders of the buyer → refused (`merged with other orders`): the parcel goes to
  one receiver, and the other orders did not ask — staff re-review it by hand if it should move.

Once nothing waits the change is settled, for good: `changed` is true only when every shipment
changed and there was at least one (an order of virtual goods only has nothing to send). A
repeat of the change is answered with the same outcomes. While one change of an order is being
decided, another change of it is refused for every shipment (`another receiver change …`): its
shipments are being stopped for the first, and only one receiver can win.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

MERGED = "merged with other orders"
GOES_NOWHERE = (ShipmentStatus.CANCELLED, ShipmentStatus.RETURNING, ShipmentStatus.RETURNED)


@dataclass(frozen=True)
class ShipmentOutcome:
    shipment_id: str
    changed: bool
    detail: str


def to_re_review(shipments: list["Shipment"]) -> list["Shipment"]:
    """The order's shipments the change is about: those whose goods may still reach the buyer."""
    return [s for s in shipments if s.case_id is None and s.status not in GOES_NOWHERE]


def refusal(shipment: "Shipment") -> str | None:
    """Why the change is refused for this shipment before it is asked: merged with other orders."""
    if len(shipment.order_ids) > 1:
        return f"{MERGED} ({', '.join(shipment.order_ids)}): staff re-review it by hand"
    return None


class ReceiverChange:
    def __init__(self, *, change_id: str, order_id: str, receiver: Receiver, reason: str, requested_by: str,
                 requested_at: datetime, outcomes: list[ShipmentOutcome] | None = None,
                 waiting: list[str] | None = None, settled_at: datetime | None = None) -> None:
        self.change_id, self.order_id, self.receiver = change_id, order_id, receiver
        self.reason, self.requested_by, self.requested_at = reason, requested_by, requested_at
        self._outcomes = list(outcomes or [])
        self._waiting = list(waiting or [])
        self.settled_at = settled_at

    @classmethod
    def request(cls, change_id: str, order_id: str, receiver: Receiver, reason: str, requested_by: str,
                at: datetime) -> "ReceiverChange":
        return cls(change_id=change_id, order_id=order_id, receiver=receiver, reason=reason,
                   requested_by=requested_by, requested_at=at)

    @property
    def outcomes(self) -> tuple[ShipmentOutcome, ...]:
        """One per shipment decided, by shipment id."""
        return tuple(sorted(self._outcomes, key=lambda o: o.shipment_id))

    @property
    def waiting(self) -> tuple[str, ...]:
        """The shipments whose interception is still to be answered."""
        return tuple(self._waiting)

    @property
    def settled(self) -> bool:
        return self.settled_at is not None

    @property
    def changed(self) -> bool:
        """Every shipment goes to the new receiver now, and there was at least one."""
        return bool(self._outcomes) and all(o.changed for o in self._outcomes)

    def decide(self, shipment_id: str, changed: bool, detail: str) -> None:
        if self.settled or any(o.shipment_id == shipment_id for o in self._outcomes):
            raise FulfillmentError(f"receiver change {self.change_id}: shipment {shipment_id} is decided already")
        self._waiting = [s for s in self._waiting if s != shipment_id]
        self._outcomes.append(ShipmentOutcome(shipment_id, changed, detail))

    def wait_for(self, shipment_id: str) -> None:
        """The shipment is being stopped at the warehouse: decided when it answers."""
        if shipment_id not in self._waiting:
            self._waiting.append(shipment_id)

    def decide_waiting(self, shipment_id: str, changed: bool, detail: str) -> bool:
        """The answer for a shipment waited for; False when this change was not waiting for it."""
        if shipment_id not in self._waiting:
            return False
        self.decide(shipment_id, changed, detail)
        return True

    def settle(self, at: datetime) -> bool:
        """Settle once nothing waits; False while something does (or settled before)."""
        if self._waiting or self.settled:
            return False
        self.settled_at = at
        return True
