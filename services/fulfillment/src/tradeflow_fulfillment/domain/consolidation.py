"""The shipment's contents: planning it, what it holds, and orders joining or leaving it before
dispatch (the merge window, DOMAIN §4 合单). Half of the Shipment aggregate (`shipment.py`),
kept apart from its moves.

Rules:
* A new shipment that is neither oversize nor over a limit waits `ready` until `dispatch_after`
  (planned_at + the merge window); the others are due at once. High value → `pending_review`.
* Another order's freshly planned shipment joins a waiting one only if: it is still `ready` and
  its window open; same buyer, same receiver (normalized) and same warehouse; both fragile or
  both not; neither oversize nor over a limit; and the two together keep the parcel limits
  (`goods_refusal`, the same rules staff merging by hand keep: `hand_merge.py`).
  Flags combine; if the whole becomes high value it goes back to review (`hold`).
* Before dispatch an order's lines can leave again when it is cancelled (`Shipment.leave`,
  `interception.py`): the shipment goes on without them, or — the order being all it held — is
  cancelled.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import CannotMerge
from tradeflow_fulfillment.domain.events import LinesPlanned
from tradeflow_fulfillment.domain.model import Flag, ParcelRules, Receiver, ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
SOURCE = "fulfillment"


class Consolidation:
    @classmethod
    def plan(cls, id: str, *, buyer_id: str, receiver: Receiver, warehouse: str, carrier: str,
             lines: list[ShipmentLine], at: datetime, window: timedelta, rules: ParcelRules,
             case_id: str | None = None) -> "Shipment":
        """`case_id`: an after-sales case's replacement — it never waits in a merge window."""
        flags = rules.flags_for(lines)
        status = S.PENDING_REVIEW if Flag.HIGH_VALUE in flags else S.READY
        waits = window if _mergeable(flags) and case_id is None else timedelta(0)
        order_ids = list(dict.fromkeys(ln.order_id for ln in lines))
        shipment = cls(id=id, buyer_id=buyer_id, receiver=receiver, warehouse=warehouse, carrier=carrier,
                       lines=lines, flags=flags, status=status, planned_at=at, dispatch_after=at + waits,
                       case_id=case_id)
        shipment._record(at, E.PLAN, SOURCE, detail=", ".join(order_ids))
        shipment._events.extend(LinesPlanned(order_id) for order_id in order_ids)
        return shipment

    # -- what it holds --------------------------------------------------------------------------
    @property
    def order_id(self) -> str | None:
        """The first order it holds (the one it was planned for, unless that one left); None once
        staff merged everything it held into another shipment."""
        return self._lines[0].order_id if self._lines else None

    @property
    def order_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ln.order_id for ln in self._lines))

    @property
    def sub_order_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ln.sub_order_id for ln in self._lines))

    @property
    def weight_grams(self) -> int:
        return sum(ln.total_weight_grams for ln in self._lines)

    @property
    def volume_cm3(self) -> int:
        return sum(ln.total_volume_cm3 for ln in self._lines)

    @property
    def value_amount(self) -> int:
        """What the buyer paid for its goods (the lines' shares), in minor units."""
        return sum(ln.paid_amount for ln in self._lines)

    @property
    def mergeable(self) -> bool:
        return _mergeable(self._flags)

    def is_due(self, now: datetime) -> bool:
        """Ready, and its merge window has passed: time to dispatch it."""
        return self._status is S.READY and now >= self.dispatch_after

    # -- merging --------------------------------------------------------------------------------
    def merge_refusal(self, other: "Shipment", now: datetime, rules: ParcelRules) -> str | None:
        """Why `other` may not join this shipment now; None when it may."""
        if self._status is not S.READY or now >= self.dispatch_after:
            return f"shipment {self.id} is not waiting in its merge window ({self._status})"
        refusal = self.goods_refusal(other, self._lines, rules)
        return str(refusal) if refusal else None

    def goods_refusal(self, other: "Shipment", lines: Sequence[ShipmentLine],
                      rules: ParcelRules) -> CannotMerge | None:
        """Why `other`'s goods may not travel in one parcel with this shipment holding `lines`
        (its own, or with others merged in already); None when they may."""
        def refused(slug: str, shipment: "Shipment", why: str) -> CannotMerge:
            return CannotMerge(why, slug=f"merge-{slug}", shipment_id=shipment.id)
        if replacement := next((s for s in (self, other) if s.case_id), None):
            return refused("case-replacement", replacement, f"shipment {replacement.id} is after-sales case "
                                                            f"{replacement.case_id}'s replacement: it ships alone")
        if other.buyer_id != self.buyer_id:
            return refused("other-buyer", other, f"shipment {other.id} is another buyer's than {self.id}")
        if other.receiver.key != self.receiver.key:
            return refused("other-receiver", other, f"shipment {other.id} goes to another receiver than {self.id}")
        if other.warehouse != self.warehouse:
            return refused("other-warehouse", other, f"shipment {other.id} ships from warehouse {other.warehouse}, "
                                                     f"{self.id} from {self.warehouse}")
        if alone := next((s for s in (self, other) if not s.mergeable), None):
            return refused("ships-alone", alone, f"shipment {alone.id} holds oversize goods or units over a parcel "
                                                 "limit: it ships alone")
        if (Flag.FRAGILE in self._flags) != (Flag.FRAGILE in other.flags):
            return refused("fragile-apart", other, f"fragile goods ship apart from the others: shipment {other.id} "
                                                   f"and {self.id} are not both fragile")
        together = [*lines, *other.lines]
        weight, volume = sum(ln.total_weight_grams for ln in together), sum(ln.total_volume_cm3 for ln in together)
        if not rules.fits(weight, volume):
            return refused("over-parcel-limit", other, f"with shipment {other.id} the parcel would hold {weight} g "
                                                       f"and {volume} cm³, over its limit of {rules.max_weight_grams} "
                                                       f"g or {rules.max_volume_cm3} cm³")
        return None

    def merge(self, other: "Shipment", at: datetime, rules: ParcelRules) -> None:
        """Take in the lines of `other`, a shipment just planned for another order (never stored)."""
        if why := self.merge_refusal(other, at, rules):
            raise CannotMerge(f"shipment {other.id} cannot join {self.id}: {why}")
        self._lines.extend(other.lines)
        self._flags = rules.flags_for(self._lines)
        for order_id in other.order_ids:
            self._record(at, E.MERGE, SOURCE, detail=order_id)
            self._events.append(LinesPlanned(order_id))
        if Flag.HIGH_VALUE in self._flags:
            self.hold("high value once merged", at, SOURCE)


def _mergeable(flags: frozenset[Flag]) -> bool:
    return Flag.OVERSIZE not in flags and Flag.OVER_LIMIT not in flags
