"""Re-review packing units apart (拆包裹): the shipment a re-review changed (at once, or once the
warehouse stopped it) is replaced by two new ones — the units asked apart and the rest — planned
like any shipment (flags, review for high value; a part of a shipment in review stays in review),
due at once, and announced to their orders (ShipmentPlanned); the old one is cancelled holding
nothing."""

from datetime import datetime, timedelta

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus


async def replace_if_split(tx: FulfillmentTransaction, shipment: Shipment, c: Collaborators,
                           now: datetime) -> list[Shipment]:
    """The two new shipments, or none when the shipment was not asked to pack units apart.
    Call before saving `shipment`."""
    if not shipment.split_pending:
        return []
    was_in_review = shipment.status is ShipmentStatus.PENDING_REVIEW
    ids = (c.ids.new_id("shp"), c.ids.new_id("shp"))
    parts = []
    for new_id, lines in zip(ids, shipment.split_up(ids, now), strict=True):
        part = Shipment.plan(new_id, buyer_id=shipment.buyer_id, receiver=shipment.receiver,
                             warehouse=shipment.warehouse, carrier=shipment.carrier, lines=lines, at=now,
                             window=timedelta(0), rules=c.rules.parcels)
        if was_in_review and part.status is ShipmentStatus.READY:
            part.hold(f"packed apart from {shipment.id}, which was in review", now, "fulfillment")
        parts.append(part)
    for part in parts:
        await tx.shipments.add(part)
        await announce_shipment(tx, part)
    return parts
