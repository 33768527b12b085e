"""Ship an exchange's replacement (`ShipReplacement`, DOMAIN §5 换货): shipments of the case (its
id on them and on every ShipmentPlanned / ShipmentStatusChanged), one per warehouse named, never
merged, due at once — then dispatched, shipped and tracked like any other; at shipped inventory
deducts their units under the case's sub-order id (DeductStock), as it reserved them.

Once per case whatever message asks (the planning record `case:<case id>` in planned_orders): a
repeat creates nothing. Warehouses that do not hold exactly the lines' units refuse the command
(a domain error: dead-lettered with the reason).
"""

import structlog

from tradeflow_contracts.after_sales import ShipReplacement
from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.replacement import Replacement, plan_replacement

log = structlog.get_logger(__name__)


async def ship_replacement(tx: FulfillmentTransaction, message: ShipReplacement, c: Collaborators) -> None:
    now = c.clock.now()
    if not await tx.planned_orders.claim(f"case:{message.case_id}", now):
        log.info("fulfillment.replacement_planned_already", case_id=message.case_id)
        return
    replacement = Replacement(message.case_id, message.order_id, message.buyer_id, message.merchant_id,
                              Receiver(**message.receiver.model_dump()),
                              [(ln.line_id, ln.sku, ln.quantity) for ln in message.lines],
                              [(w.code, w.quantity) for w in message.warehouses])
    shipments = plan_replacement(replacement, c.rules, at=now, new_id=lambda: c.ids.new_id("shp"))
    for shipment in shipments:
        await tx.shipments.add(shipment)
        await announce_shipment(tx, shipment)
    log.info("fulfillment.replacement_planned", case_id=message.case_id, order_id=message.order_id,
             shipments=[s.id for s in shipments])
