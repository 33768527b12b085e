"""From a paid order to its shipments and entitlements (DOMAIN §4): physical lines become
parcels (`parcels.py`), each a shipment with its carrier that waits in the merge window or goes
to review — and, holding a pre-sale's goods still incoming, waits for them (`awaiting_stock.py`);
virtual lines are granted to the buyer's account at once."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_fulfillment.domain.carriers import DEFAULT_CARRIER_RULES, CarrierRules
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.merging import MergeWindow
from tradeflow_fulfillment.domain.model import ParcelRules
from tradeflow_fulfillment.domain.paid import PaidOrder
from tradeflow_fulfillment.domain.parcels import plan_parcels
from tradeflow_fulfillment.domain.shipment import Shipment


@dataclass(frozen=True)
class PlanningRules:
    """The rules from configuration: parcel limits and review threshold, carriers, merge window,
    and from when paid orders are fulfillment's to plan."""

    parcels: ParcelRules = field(default_factory=ParcelRules)
    carriers: CarrierRules = field(default_factory=lambda: CarrierRules.parse(DEFAULT_CARRIER_RULES))
    merge: MergeWindow = field(default_factory=MergeWindow)
    paid_since: datetime | None = None
    """The start point: an order paid before it is history (fulfilled before this service ran) and
    is not planned; None plans every paid order."""

    def plans_paid_at(self, paid_at: datetime | None) -> bool:
        """Whether an order paid at `paid_at` (unknown: None) is planned."""
        return self.paid_since is None or paid_at is None or paid_at >= self.paid_since


def plan_shipments(paid: PaidOrder, rules: PlanningRules, *, at: datetime,
                   new_id: Callable[[], str]) -> list[Shipment]:
    """One shipment per parcel of the order's physical goods (none for a virtual-only order); one
    holding units of a sub-order whose goods are still incoming waits for them."""
    awaiting = {sub.sub_order_id for sub in paid.sub_orders if sub.awaiting_stock}
    shipments = []
    for parcel in plan_parcels(paid, rules.parcels):
        shipment = Shipment.plan(new_id(), buyer_id=paid.buyer_id, receiver=paid.receiver,
                                 warehouse=parcel.warehouse,
                                 carrier=rules.carriers.carrier_for(parcel.warehouse, paid.receiver.region),
                                 lines=parcel.lines, at=at, window=rules.merge.window, rules=rules.parcels)
        shipment.await_stock([ln.sub_order_id for ln in parcel.lines if ln.sub_order_id in awaiting], at)
        shipments.append(shipment)
    return shipments


def grant_entitlements(paid: PaidOrder, *, at: datetime, new_id: Callable[[], str]) -> list[Entitlement]:
    """One entitlement per virtual line, to the buyer's account ("to whom" and "what", DOMAIN §4)."""
    return [Entitlement.grant(new_id(), account=paid.buyer_id, sku=line.sku, order_id=paid.order_id,
                              sub_order_id=sub.sub_order_id, line_id=line.line_id, quantity=line.quantity, at=at)
            for sub, line in paid.lines("virtual")]
