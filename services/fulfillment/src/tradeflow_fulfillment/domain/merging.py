"""The merge window (DOMAIN §4 合单): paid orders of the same buyer, receiver and warehouse that
arrive within a short window of the first one's planning travel as one shipment, as long as none
of them is dispatched. What may merge is the shipment's rule (`Consolidation.merge_refusal`);
this policy picks, for a freshly planned shipment, the waiting one it joins. A shipment waiting
for a pre-sale's goods (`awaiting_stock.py`) neither joins nor takes in another: it would hold the
other back, or the other would make it go before its goods."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradeflow_fulfillment.domain.model import ParcelRules
from tradeflow_fulfillment.domain.shipment import Shipment


@dataclass(frozen=True)
class MergeWindow:
    window: timedelta = timedelta(minutes=10)

    def target_for(self, planned: Shipment, waiting: Iterable[Shipment], now: datetime,
                   rules: ParcelRules) -> Shipment | None:
        """The earliest planned waiting shipment `planned` may join now, or None."""
        if planned.awaiting_stock:
            return None
        for candidate in sorted(waiting, key=lambda s: (s.planned_at, s.id)):
            if candidate.id == planned.id or candidate.awaiting_stock:
                continue
            if candidate.merge_refusal(planned, now, rules) is None:
                return candidate
        return None

    def consolidate(self, planned: Sequence[Shipment], waiting: Iterable[Shipment], now: datetime,
                    rules: ParcelRules) -> tuple[list[Shipment], list[Shipment]]:
        """Merge each planned shipment into a waiting one where it may: (the new shipments that
        remain, the waiting ones that took some in). Shipments of one order never merge with each
        other (the planner split them on purpose)."""
        waiting, new, joined = list(waiting), [], []
        for shipment in planned:
            target = self.target_for(shipment, waiting, now, rules)
            if target is None:
                new.append(shipment)
                continue
            target.merge(shipment, now, rules)
            if target not in joined:
                joined.append(target)
        return new, joined
