"""Staff review a shipment held for review (high value, or a dispatch refused by the warehouse
or the carrier): approve it — it is `ready`, and dispatched once its merge window has passed —
or reject it — it is `cancelled` and goes nowhere. Only a shipment `pending_review` is reviewed
(IllegalTransition otherwise). The change is announced (ShipmentStatusChanged per order)."""

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.shipment import Shipment


async def approve_shipment(tx: FulfillmentTransaction, c: Collaborators, shipment_id: str, actor: str,
                           note: str | None = None) -> Shipment:
    shipment = await tx.shipments.get(shipment_id, lock=True)
    shipment.approve(c.clock.now(), actor, note)
    return await _saved(tx, shipment)


async def reject_shipment(tx: FulfillmentTransaction, c: Collaborators, shipment_id: str, actor: str,
                          reason: str) -> Shipment:
    shipment = await tx.shipments.get(shipment_id, lock=True)
    shipment.reject(reason, c.clock.now(), actor)
    return await _saved(tx, shipment)


async def _saved(tx: FulfillmentTransaction, shipment: Shipment) -> Shipment:
    await tx.shipments.save(shipment)
    await announce_shipment(tx, shipment)
    return shipment
