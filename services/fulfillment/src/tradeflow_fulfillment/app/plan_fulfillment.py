"""Plan an order's fulfillment when it is paid (`order.paid`, DOMAIN §4).

* Its physical goods become shipments (`domain/parcels.py`): by warehouse, fragile apart,
  oversize alone, within the parcel limits, high value to review. A shipment joins one of the
  buyer's shipments still waiting in its merge window when the rules let it (same receiver and
  warehouse, within the limits); the buyer's planning is serialized, so two orders paid together
  merge rather than race.
* A pre-sale's goods still incoming (the order's warehouse shares say `incoming`) are planned
  but wait for them (`domain/awaiting_stock.py`) — unless inventory told already that they
  arrived (`record_stock_arrival.py` keeps that even before the order is planned); the order's
  planning and its arrivals are serialized, so an arrival during planning is never lost.
* Its virtual goods are granted to the buyer's account at once (entitlements) — and revoked at
  once for a line an after-sales case asked to revoke before (RevokeEntitlement came first).
* A stop that came before the plan (`stop_fulfillment.py`: fulfillment caught up with its
  commands before `order.paid`) already stopped some units: only the rest is planned (none left:
  nothing is). Planning takes the order's lock first, as the stop does.
* Everything — shipments, entitlements, ShipmentPlanned / EntitlementGranted (and a merged
  shipment's move back to review) in the outbox — commits in the message's one transaction.

The start point (FULFILLMENT_PLAN_PAID_SINCE): an order paid before it (order.paid's envelope
`occurred_at`) is history — fulfilled before this service ran on the platform: it is recorded
as skipped (`planned_orders`), logged (`fulfillment.skipped_before_start`) and not planned.

Idempotent: the kit's inbox drops a redelivered message, and an order is planned (or skipped)
once whatever message carries it (`planned_orders`): a second `order.paid` creates nothing.
"""

from datetime import datetime

import structlog

from tradeflow_contracts.orders import OrderPaid
from tradeflow_fulfillment.app.announcements import announce_entitlement, announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.revoke_entitlement import revoke_if_case_asked
from tradeflow_fulfillment.app.translation import paid_order_of, sub_orders_with_incoming_stock
from tradeflow_fulfillment.domain.paid import PaidOrder, less_stopped
from tradeflow_fulfillment.domain.planning import grant_entitlements, plan_shipments
from tradeflow_fulfillment.domain.shipment import Shipment

log = structlog.get_logger(__name__)


async def plan_fulfillment(tx: FulfillmentTransaction, message: OrderPaid, c: Collaborators) -> None:
    now, paid_at = c.clock.now(), tx.message_occurred_at
    if not c.rules.plans_paid_at(paid_at):
        recorded = await tx.planned_orders.skip(message.order_id, now, paid_at)
        log.info("fulfillment.skipped_before_start", order_id=message.order_id, paid_at=paid_at.isoformat(),
                 start=c.rules.paid_since.isoformat(), recorded=recorded)
        return
    await tx.pre_sale_arrivals.lock_order(message.order_id)  # before the claim: stops and arrivals wait
    if not await tx.planned_orders.claim(message.order_id, now):
        log.info("fulfillment.already_planned", order_id=message.order_id)
        return
    paid = less_stopped(paid_order_of(message, await _arrived(tx, message)), await _stopped_before(tx, message))
    entitlements = grant_entitlements(paid, at=now, new_id=lambda: c.ids.new_id("ent"))
    for entitlement in entitlements:
        await revoke_if_case_asked(tx, entitlement, now)
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
             merged_into=[s.id for s in joined], entitlements=len(entitlements),
             awaiting_stock=[s.id for s in new if s.awaiting_stock])


async def _arrived(tx: FulfillmentTransaction, message: OrderPaid) -> frozenset[str]:
    """The sub-orders the order saw incoming whose goods arrived since (the order is locked)."""
    incoming = sub_orders_with_incoming_stock(message)
    return await tx.pre_sale_arrivals.arrived(incoming) if incoming else frozenset()


async def _stopped_before(tx: FulfillmentTransaction, message: OrderPaid) -> dict[str, int]:
    """Per line: the units a stop decided before the order was planned (none: no stop)."""
    stop = await tx.stops.get(message.order_id)
    if stop is None:
        return {}
    return {ln.line_id: stop.stopped_quantity(ln.line_id) for s in message.sub_orders for ln in s.lines}


async def _plan_shipments(tx: FulfillmentTransaction, paid: PaidOrder, c: Collaborators,
                          now: datetime) -> tuple[list[Shipment], list[Shipment]]:
    """(new shipments, waiting shipments the order's goods joined)."""
    planned = plan_shipments(paid, c.rules, at=now, new_id=lambda: c.ids.new_id("shp"))
    if not planned:
        return [], []
    await tx.shipments.lock_buyer(paid.buyer_id)
    waiting = await tx.shipments.waiting(paid.buyer_id, now)
    return c.rules.merge.consolidate(planned, waiting, now, c.rules.parcels)
