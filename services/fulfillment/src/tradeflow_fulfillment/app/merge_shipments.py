"""Staff merge held shipments by hand (DOMAIN §4 合单, issue 11): the named shipments' lines join
the target, after the merge window too; what may merge is the shipment's rule
(`domain/hand_merge.py`: none dispatched or being dispatched, one buyer, receiver and warehouse,
the parcel's rules kept), each refusal a CannotMerge naming the shipment and why.

The orders are told through the usual messages: each order the target gained gets its
ShipmentPlanned (the target, with that order's lines), each merged shipment's orders its
ShipmentStatusChanged to `cancelled` — so an order never counts the same units twice.

Locks: the buyer's planning lock first (a paid order of the buyer being planned right now could
otherwise join the target meanwhile), then every shipment named, in id order as every use case
takes them.
"""

from collections.abc import Sequence

import structlog

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.shipment import Shipment

log = structlog.get_logger(__name__)


async def merge_shipments(tx: FulfillmentTransaction, c: Collaborators, target_id: str, shipment_ids: Sequence[str],
                          actor: str, note: str | None = None) -> Shipment:
    """The target with the others' lines in it (ShipmentNotFound if one of them does not exist)."""
    await tx.shipments.lock_buyer((await tx.shipments.get(target_id)).buyer_id)
    locked = {i: await tx.shipments.get(i, lock=True) for i in sorted({target_id, *shipment_ids})}
    target, others = locked[target_id], [locked[i] for i in shipment_ids]
    target.merge_by_hand(others, c.clock.now(), c.rules.parcels, actor, note)
    for shipment in (target, *others):
        await tx.shipments.save(shipment)
        await announce_shipment(tx, shipment)
    log.info("fulfillment.merged_by_hand", shipment_id=target.id, merged=list(shipment_ids), actor=actor,
             order_ids=list(target.order_ids), status=target.status)
    return target
