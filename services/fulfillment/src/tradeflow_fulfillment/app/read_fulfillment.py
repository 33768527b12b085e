"""Reading shipments and entitlements. Who may read what is the HTTP edge's rule (it narrows by
buyer or merchant); these only fetch."""

from tradeflow_fulfillment.app.ports import FulfillmentTransaction, Page
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.shipment import Shipment


async def get_shipment(tx: FulfillmentTransaction, shipment_id: str) -> Shipment:
    return await tx.shipments.get(shipment_id)


async def list_shipments(tx: FulfillmentTransaction, *, order_id: str | None, status: str | None,
                         warehouse: str | None, buyer_id: str | None, merchant_id: str | None, limit: int,
                         before: Page) -> list[Shipment]:
    return await tx.shipments.find(order_id=order_id, status=status, warehouse=warehouse, buyer_id=buyer_id,
                                   merchant_id=merchant_id, limit=limit, before=before)


async def list_entitlements(tx: FulfillmentTransaction, *, account: str | None, limit: int,
                            before: Page) -> list[Entitlement]:
    return await tx.entitlements.find(account=account, limit=limit, before=before)
