"""From a paid order to its shipments and entitlements (DOMAIN §4): physical lines become
parcels (`parcels.py`), each a shipment with its carrier that waits in the merge window or goes
to review; virtual lines are granted to the buyer's account at once."""

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
    """The rules from configuration: parcel limits and review threshold, carriers, merge window."""

    parcels: ParcelRules = field(default_factory=ParcelRules)
    carriers: CarrierRules = field(default_factory=lambda: CarrierRules.parse(DEFAULT_CARRIER_RULES))
    merge: MergeWindow = field(default_factory=MergeWindow)


def plan_shipments(paid: PaidOrder, rules: PlanningRules, *, at: datetime,
                   new_id: Callable[[], str]) -> list[Shipment]:
    """One shipment per parcel of the order's physical goods (none for a virtual-only order)."""
    return [Shipment.plan(new_id(), buyer_id=paid.buyer_id, receiver=paid.receiver, warehouse=parcel.warehouse,
                          carrier=rules.carriers.carrier_for(parcel.warehouse, paid.receiver.region),
                          lines=parcel.lines, at=at, window=rules.merge.window, rules=rules.parcels)
            for parcel in plan_parcels(paid, rules.parcels)]


def grant_entitlements(paid: PaidOrder, *, at: datetime, new_id: Callable[[], str]) -> list[Entitlement]:
    """One entitlement per virtual line, to the buyer's account ("to whom" and "what", DOMAIN §4)."""
    return [Entitlement.grant(new_id(), account=paid.buyer_id, sku=line.sku, order_id=paid.order_id,
                              sub_order_id=sub.sub_order_id, line_id=line.line_id, quantity=line.quantity, at=at)
            for sub, line in paid.lines("virtual")]
