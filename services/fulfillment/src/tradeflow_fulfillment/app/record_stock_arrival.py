"""A pre-sale's goods arrived (`inventory.pre-sale-stock-arrived`, DOMAIN §3 预售): the
shipments of the order waiting for that sub-order's goods stop waiting (`domain/awaiting_stock.py`)
and are due as their merge window says; the dispatcher takes them from there.

The arrival is recorded first, whether or not the order is planned yet (`pre_sale_arrivals`):
planning an order paid later sees it and does not make its shipments wait. Recording and
planning are serialized per order (`lock_order`), so one of the two always sees the other.

Idempotent: the kit's inbox drops a redelivered message; another message about the same
sub-order finds nothing waiting for it and changes nothing.
"""

import structlog

from tradeflow_contracts.inventory import PreSaleStockArrived
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.awaiting_stock import BEFORE_DISPATCH

log = structlog.get_logger(__name__)


async def record_stock_arrival(tx: FulfillmentTransaction, message: PreSaleStockArrived, c: Collaborators) -> None:
    now = c.clock.now()
    await tx.pre_sale_arrivals.lock_order(message.order_id)
    first = await tx.pre_sale_arrivals.record(message.order_id, message.sub_order_id, message.arrived_at, now)
    released = []
    for shipment in await tx.shipments.holding(message.order_id):
        if message.sub_order_id in shipment.awaiting_stock and shipment.status in BEFORE_DISPATCH:
            shipment.stock_arrived(message.sub_order_id, now)
            await tx.shipments.save(shipment)
            released.append(shipment.id)
    log.info("fulfillment.pre_sale_stock_arrived", order_id=message.order_id, sub_order_id=message.sub_order_id,
             first_time=first, shipments=released)
