"""Staff merge held shipments by hand (DOMAIN §4 合单, issue 11): after the merge window too. Part
of the Shipment aggregate (`shipment.py`), kept apart from the window's automatic merge.

Rules — each refusal a CannotMerge naming the rule (`slug`) and the shipment:
* every shipment involved is held before dispatch: `pending_review` or `ready`
  (`merge-not-held`), with no dispatch attempt or stop under way (`merge-dispatch-under-way`),
  not waiting for a pre-sale's goods (`merge-awaiting-stock`: it would hold the others back);
* each is named once and is not the one merged into (`merge-same-shipment`);
* the window's rules but the window itself (`Consolidation.goods_refusal`): same buyer, receiver
  and warehouse, nothing that ships alone, all fragile or none, the whole within the parcel
  limits;
* one order's shipments never merge (`merge-same-order`): the planner split them on purpose, and
  an order tracks each of its shipments by id.

The named shipments' lines move into this one, which records a `merge` per order it gained
(LinesPlanned: the order is told where its goods now go) and is due at once — staff merged it
deliberately — unless it waits in review: because it did, because one of the merged ones did, or
because the whole became high value. The merged ones keep nothing (a cancelled order or a stop
must never find their goods twice): each order is told its part is cancelled (MergedAway), and
the shipment is cancelled, "merged into <id>" in its history.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import CannotMerge
from tradeflow_fulfillment.domain.events import LinesPlanned, MergedAway
from tradeflow_fulfillment.domain.model import Flag, ParcelRules
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
HELD = (S.PENDING_REVIEW, S.READY)
SOURCE = "fulfillment"


class HandMerge:
    def merge_by_hand(self: "Shipment", others: Sequence["Shipment"], at: datetime, rules: ParcelRules,
                      source: str, note: str | None = None) -> None:
        """Take in the lines of `others` (held shipments of the same buyer, receiver and warehouse)."""
        if refusal := self.hand_merge_refusal(others, rules):
            raise refusal
        in_review = [other.id for other in others if other.status is S.PENDING_REVIEW]
        for other in others:
            orders = other.order_ids
            self._lines.extend(other.lines)
            other._merged_into(self.id, at, source, note)
            for order_id in orders:
                self._record(at, E.MERGE, source, detail=_noted(f"{order_id} from {other.id}", note))
                self._events.append(LinesPlanned(order_id))
        self._flags = rules.flags_for(self._lines)
        self.dispatch_after = min(self.dispatch_after, at)
        if self._status is S.READY and Flag.HIGH_VALUE in self._flags:
            self.hold("high value once merged", at, SOURCE)
        elif self._status is S.READY and in_review:
            self.hold(f"merged with {', '.join(in_review)}, in review", at, SOURCE)

    def hand_merge_refusal(self: "Shipment", others: Sequence["Shipment"], rules: ParcelRules) -> CannotMerge | None:
        """Why staff may not merge `others` into this shipment; None when they may."""
        if not others:
            return CannotMerge(f"nothing named to merge into shipment {self.id}", slug="merge-same-shipment",
                               shipment_id=self.id)
        seen = {self.id}
        for other in others:
            if other.id in seen:
                return CannotMerge(f"shipment {other.id} is named twice or is the one merged into",
                                   slug="merge-same-shipment", shipment_id=other.id)
            seen.add(other.id)
        for shipment in (self, *others):
            if refusal := shipment._hold_refusal():
                return refusal
        lines, holders = list(self._lines), dict.fromkeys(self.order_ids, self.id)
        for other in others:
            if shared := next((order_id for order_id in other.order_ids if order_id in holders), None):
                return CannotMerge(f"shipment {other.id} holds goods of order {shared} as {holders[shared]} does: "
                                   "one order's shipments were split on purpose", slug="merge-same-order",
                                   shipment_id=other.id)
            if refusal := self.goods_refusal(other, lines, rules):
                return refusal
            lines += other.lines
            holders |= dict.fromkeys(other.order_ids, other.id)
        return None

    def _hold_refusal(self: "Shipment") -> CannotMerge | None:
        """Why this shipment is not held before dispatch, free to merge; None when it is."""
        if self._status not in HELD:
            return CannotMerge(f"shipment {self.id} is {self._status}: only a shipment held before dispatch "
                               "(pending_review or ready) is merged", slug="merge-not-held", shipment_id=self.id)
        if self._attempt is not None or self._interception is not None:
            under_way = (f"a dispatch under number {self._attempt.number}" if self._attempt
                         else f"a stop of {', '.join(self._interception.orders)}")
            return CannotMerge(f"shipment {self.id} has {under_way} under way: it is merged once that settled, if "
                               "still held", slug="merge-dispatch-under-way", shipment_id=self.id)
        if self.awaiting_stock:
            return CannotMerge(f"shipment {self.id} waits for the pre-sale goods of {', '.join(self.awaiting_stock)}: "
                               "it would hold the others back", slug="merge-awaiting-stock", shipment_id=self.id)
        return None

    def _merged_into(self: "Shipment", into: str, at: datetime, source: str, note: str | None) -> None:
        status, orders = self._status, self.order_ids
        self._lines = []
        self._events.extend(MergedAway(order_id, status, into) for order_id in orders)
        self.cancel(_noted(f"merged into {into}", note), at, source)


def _noted(detail: str, note: str | None) -> str:
    return f"{detail}: {note}" if note else detail
