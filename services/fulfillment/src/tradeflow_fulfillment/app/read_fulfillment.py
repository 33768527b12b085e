"""Reading shipments and entitlements. Who may read what is the HTTP edge's rule (it narrows by
buyer or merchant); these only fetch."""

from datetime import datetime, timedelta

from tradeflow_fulfillment.app.ports import FulfillmentTransaction, Page
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

FINAL_STATUSES = frozenset({ShipmentStatus.SIGNED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED,
                            ShipmentStatus.INTERCEPTED})


async def get_shipment(tx: FulfillmentTransaction, shipment_id: str) -> Shipment:
    return await tx.shipments.get(shipment_id)


async def list_shipments(tx: FulfillmentTransaction, *, order_id: str | None, status: str | None,
                         warehouse: str | None, buyer_id: str | None, merchant_id: str | None, limit: int,
                         before: Page, case_id: str | None = None) -> list[Shipment]:
    return await tx.shipments.find(order_id=order_id, status=status, warehouse=warehouse, buyer_id=buyer_id,
                                   merchant_id=merchant_id, limit=limit, before=before, case_id=case_id)


async def list_stuck_shipments(tx: FulfillmentTransaction, *, stuck_for: timedelta, now: datetime,
                               status: str | None, warehouse: str | None, limit: int, before: Page) -> list[Shipment]:
    """Shipments that entered their current status more than `stuck_for` before `now` and are
    still going somewhere: one in a final status (signed, returned, cancelled, intercepted) is
    never stuck, however long it has been there."""
    return await tx.shipments.find(status=status, warehouse=warehouse, limit=limit, before=before,
                                   in_status_before=now - stuck_for, excluding=FINAL_STATUSES)


def in_status_since(shipment: Shipment) -> datetime:
    """When the shipment entered its current status: the first of the latest run of history
    entries in that status (a recorded-not-applied report keeps the status, so it does not
    restart the clock); the planning time if it has no history."""
    since = shipment.planned_at
    for entry in reversed(shipment.history):
        if entry.status != shipment.status:
            break
        since = entry.at
    return since


async def list_entitlements(tx: FulfillmentTransaction, *, account: str | None, limit: int,
                            before: Page) -> list[Entitlement]:
    return await tx.entitlements.find(account=account, limit=limit, before=before)
