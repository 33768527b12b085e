"""Plan an order's fulfillment when it is paid (`order.paid`, DOMAIN §4).

* Its physical goods become shipments (`domain/parcels.py`): by warehouse, fragile apart,
  oversize alone, within the parcel limits, high value to review. A shipment joins one of the
  buyer's shipments still waiting in its merge window when the rules let it (same receiver and
  warehouse, within the limits); the buyer's planning is serialized, so two orders paid together
  merge rather than race.
* Its virtual goods are granted to the buyer's account at once (entitlements).
* Everything — shipments, entitlements, ShipmentPlanned / EntitlementGranted (and a merged
  shipment's move back to review) in the outbox — commits in the message's one transaction.

Idempotent: the kit's inbox drops a redelivered message, and an order is planned once whatever
message carries it (`planned_orders`): a second `order.paid` of the order creates nothing.
"""

from datetime import datetime

import structlog

from tradeflow_contracts.orders import OrderPaid
from tradeflow_fulfillment.app.announcements import announce_entitlement, announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.translation import paid_order_of
from tradeflow_fulfillment.domain.paid import PaidOrder
from tradeflow_fulfillment.domain.planning import grant_entitlements, plan_shipments
from tradeflow_fulfillment.domain.shipment import Shipment

log = structlog.get_logger(__name__)


async def plan_fulfillment(tx: FulfillmentTransaction, message: OrderPaid, c: Collaborators) -> None:
    now = c.clock.now()
    if not await tx.planned_orders.claim(message.order_id, now):
        log.info("fulfillment.already_planned", order_id=message.order_id)
        return
    paid = paid_order_of(message)
    entitlements = grant_entitlements(paid, at=now, new_id=lambda: c.ids.new_id("ent"))
    await tx.entitlements.add(entitlements)
    new, joined = await _plan_shipments(tx, paid, c, now)
    for shipment in new:
        await tx.shipments.add(shipment)
    for shipment in joined:
        await tx.shipments.save(shipment)
    for entitlement in entitlements:
        await announce_entitlement(tx, entitlement)
    for shipment in (*new, *joined):
        await announce_shipment(tx, shipment)
    log.info("fulfillment.planned", order_id=paid.order_id, shipments=[s.id for s in new],
             merged_into=[s.id for s in joined], entitlements=len(entitlements))


async def _plan_shipments(tx: FulfillmentTransaction, paid: PaidOrder, c: Collaborators,
                          now: datetime) -> tuple[list[Shipment], list[Shipment]]:
    """(new shipments, waiting shipments the order's goods joined)."""
    planned = plan_shipments(paid, c.rules, at=now, new_id=lambda: c.ids.new_id("shp"))
    if not planned:
        return [], []
    await tx.shipments.lock_buyer(paid.buyer_id)
    waiting = await tx.shipments.waiting(paid.buyer_id, now)
    return c.rules.merge.consolidate(planned, waiting, now, c.rules.parcels)
