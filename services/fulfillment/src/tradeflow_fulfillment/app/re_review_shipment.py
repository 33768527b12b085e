"""Staff re-review a shipment (DOMAIN §4 反审核): a new receiver, with the carrier for its region
(the configured carrier rules of the shipment's warehouse). Before dispatch it changes at once;
dispatched and not shipped, the warehouse is asked to stop it first (the interceptor sends the
request, the answer comes by callback, and the dispatcher sends it again under a new dispatch
number with a new waybill); on its way already → ReReviewRefused. Packing units apart replaces it
by two new shipments (`split_shipment.py`)."""

from collections.abc import Sequence

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.split_shipment import replace_if_split
from tradeflow_fulfillment.domain.interception import Change
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.shipment import Shipment


async def re_review_shipment(tx: FulfillmentTransaction, c: Collaborators, shipment_id: str,
                             receiver: Receiver | None, reason: str, actor: str,
                             split: Sequence[tuple[str, int]] = ()) -> tuple[Shipment, bool]:
    """The shipment, and whether it changed at once (False: it waits for the warehouse). No
    receiver: the same one (only packing units apart)."""
    shipment = await tx.shipments.get(shipment_id, lock=True)
    now = c.clock.now()
    receiver = receiver or shipment.receiver
    change = Change(receiver, c.rules.carriers.carrier_for(shipment.warehouse, receiver.region), tuple(split))
    at_once = shipment.re_review(change, reason, actor, now, now + c.intercept_deadline)
    await replace_if_split(tx, shipment, c, now)
    await tx.shipments.save(shipment)
    await announce_shipment(tx, shipment)
    return shipment, at_once
