"""Fulfillment's domain events → platform messages (the contracts): the one explicit map.

Every event is keyed by the order it is about; a change of a merged shipment is announced
once per order it holds. Goods that left the warehouse become inventory's DeductStock command
(all the shipment's units, in its warehouse), keyed by the shipment — inventory deducts once
per shipment; a parcel received back becomes RestockReturned, once. An order whose lines left a
shipment that goes on — or moved into another one staff merged it into — is told its part is
`cancelled`."""

from tradeflow_contracts import fulfillment as contract
from tradeflow_contracts import inventory
from tradeflow_contracts.registry import Contract
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_fulfillment.domain import events as ev
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus


async def announce_shipment(tx: FulfillmentTransaction, shipment: Shipment) -> None:
    for event in shipment.pull_events():
        for key, message in shipment_messages(shipment, event):
            await tx.publish(message, key=key)


async def announce_entitlement(tx: FulfillmentTransaction, entitlement: Entitlement) -> None:
    for event in entitlement.pull_events():
        await tx.publish(entitlement_message(entitlement, event), key=entitlement.order_id)


def shipment_messages(shipment: Shipment, event: ev.ShipmentDomainEvent) -> list[tuple[str, Contract]]:
    """(key, message) for each message the event makes."""
    match event:
        case ev.LinesPlanned(order_id=order_id):
            return [(order_id, _planned(shipment, order_id))]
        case ev.StatusChanged():
            return [(order_id, _status_changed(shipment, order_id, event)) for order_id in shipment.order_ids]
        case ev.OrderLeft(order_id=order_id, status=status) | ev.MergedAway(order_id=order_id, status=status):
            return [(order_id, _left(shipment, order_id, status))]
        case ev.LeftWarehouse():
            return [(shipment.id, _deduct_stock(shipment))]
        case ev.CameBack():
            return [(shipment.id, _restock(shipment))]
    raise TypeError(f"no message for {event!r} (yet)")


def entitlement_message(e: Entitlement, event: ev.EntitlementDomainEvent) -> Contract:
    match event:
        case ev.EntitlementWasGranted():
            return contract.EntitlementGranted(entitlement_id=e.id, account=e.account, sku=e.sku, quantity=e.quantity,
                                               order_id=e.order_id, sub_order_id=e.sub_order_id, line_id=e.line_id,
                                               granted_at=e.granted_at)
        case ev.EntitlementWasRevoked():
            return contract.EntitlementRevoked(entitlement_id=e.id, account=e.account, sku=e.sku, order_id=e.order_id,
                                               line_id=e.line_id, reason=e.revoke_reason, revoked_at=e.revoked_at,
                                               case_id=e.revoke_case_id)
    raise TypeError(f"no message for {event!r}")


def _planned(s: Shipment, order_id: str) -> contract.ShipmentPlanned:
    lines = [ln for ln in s.lines if ln.order_id == order_id]
    return contract.ShipmentPlanned(
        shipment_id=s.id, order_id=order_id, order_ids=list(s.order_ids), sub_order_ids=list(s.sub_order_ids),
        warehouse=s.warehouse, carrier=s.carrier, status=s.status, merged=len(s.order_ids) > 1,
        lines=[contract.ShipmentLine(line_id=ln.line_id, order_id=ln.order_id, sub_order_id=ln.sub_order_id,
                                     sku=ln.sku, quantity=ln.quantity) for ln in lines],
        planned_at=s.planned_at, dispatch_after=s.dispatch_after, case_id=s.case_id)


def _status_changed(s: Shipment, order_id: str, event: ev.StatusChanged) -> contract.ShipmentStatusChanged:
    return contract.ShipmentStatusChanged(
        shipment_id=s.id, order_id=order_id, order_ids=list(s.order_ids), sub_order_ids=list(s.sub_order_ids),
        from_status=event.from_status, to_status=event.to_status, event=event.event, source=event.source,
        at=event.at, warehouse=s.warehouse, carrier=s.carrier, waybill=s.waybill, dispatch_number=s.dispatch_number,
        case_id=s.case_id)


def _left(s: Shipment, order_id: str, status: ShipmentStatus) -> contract.ShipmentStatusChanged:
    """To the order whose lines left: its part of the shipment is cancelled (the rest goes on, or
    they all went into the shipment it was merged into)."""
    last = s.history[-1]
    return contract.ShipmentStatusChanged(
        shipment_id=s.id, order_id=order_id, order_ids=[order_id], sub_order_ids=[], from_status=status,
        to_status=ShipmentStatus.CANCELLED, event=last.event, source=last.source, at=last.at,
        warehouse=s.warehouse, carrier=s.carrier, waybill=s.waybill, dispatch_number=s.dispatch_number,
        case_id=s.case_id)


def _units(s: Shipment) -> list[inventory.ShipmentUnits]:
    return [inventory.ShipmentUnits(order_id=ln.order_id, sub_order_id=ln.sub_order_id, line_id=ln.line_id,
                                    sku=ln.sku, warehouse=s.warehouse, quantity=ln.quantity) for ln in s.lines]


def _deduct_stock(s: Shipment) -> inventory.DeductStock:
    return inventory.DeductStock(shipment_id=s.id, lines=_units(s))


def _restock(s: Shipment) -> inventory.RestockReturned:
    return inventory.RestockReturned(shipment_id=s.id, return_id=f"{s.id}-returned", reason="stopped by the carrier "
                                     "after a cancellation, received back", lines=_units(s))
