"""Fulfillment's events, each one step of the order after payment: the order tracks its shipments
(GET /orders/{id} shows them) and its status follows them — partially shipped, shipped, and for
virtual goods completed once every entitlement is granted. Once everything is received, receipt
is confirmed for the buyer after `auto_confirm_after` (app/auto_confirm.py) unless they confirm
first. Keyed by the order, they arrive in order; a repeat changes nothing.

ReceiverChangeSettled answers a channel's address change (ChangeReceiver, sent by the channel
adapter): once fulfillment changed at least one shipment, the order's receiver is the new one.

FulfillmentStopped answers the order's StopFulfillment (a paid order cancelled, or an after-sales
case's units stopped): the order is cancelled, partially cancelled or goes on as fulfillment
decided (domain/cancellation.py, domain/after_sales.py).

A shipment of an after-sales case (`case_id`: an exchange's replacement) is not the order's goods:
it never reaches these use cases (`handlers.ACCEPTS`; the case follows it), and an entitlement revoked
is left alone (the order does not
track revocations; after-sales does)."""

from datetime import datetime

from tradeflow_contracts.fulfillment import (
    EntitlementGranted,
    FulfillmentStopped,
    ReceiverChangeSettled,
    ShipmentPlanned,
    ShipmentStatusChanged,
)
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.cancellation import GoingOnUnits
from tradeflow_order.domain.model import Receiver, StoppedUnits
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.tracking import ShippedLine


async def record_shipment_planned(tx: OrderTransaction, message: ShipmentPlanned, c: Collaborators) -> None:
    lines = [ShippedLine(line.line_id, line.quantity) for line in message.lines if line.order_id == message.order_id]
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.shipment_planned(
        message.shipment_id, message.warehouse, message.carrier, message.status, lines, message.planned_at))


async def record_shipment_changed(tx: OrderTransaction, message: ShipmentStatusChanged, c: Collaborators) -> None:
    def change(order: Order, now: datetime) -> None:
        order.shipment_changed(message.shipment_id, message.to_status, message.event, message.at, now,
                               message.waybill, message.dispatch_number)
        order.arm_auto_confirm(now + c.auto_confirm_after)
    await advance(tx, c, message.order_id, message.TYPE, change)


async def record_entitlement_granted(tx: OrderTransaction, message: EntitlementGranted, c: Collaborators) -> None:
    def grant(order: Order, now: datetime) -> None:
        order.entitlement_granted(message.line_id, message.entitlement_id, now)
        order.arm_auto_confirm(now + c.auto_confirm_after)
    await advance(tx, c, message.order_id, message.TYPE, grant)


async def record_fulfillment_stopped(tx: OrderTransaction, message: FulfillmentStopped, c: Collaborators) -> None:
    stopped = [(u.line_id, StoppedUnits(u.quantity, u.shipment_id, u.warehouse, u.returning, u.entitlement_id))
               for u in message.stopped]
    going_on = [GoingOnUnits(u.line_id, u.quantity, u.shipment_id, u.problem, u.detail) for u in message.going_on]

    def decide(order: Order, now: datetime) -> None:
        order.fulfillment_stopped(stopped, going_on, now)
        order.arm_auto_confirm(now + c.auto_confirm_after)  # what goes on may all be received already
    await advance(tx, c, message.order_id, message.TYPE, decide)


async def record_receiver_changed(tx: OrderTransaction, message: ReceiverChangeSettled, c: Collaborators) -> None:
    """Nothing changed (refused, or nothing to send): the order keeps its receiver."""
    if not any(o.changed for o in message.outcomes):
        return
    r = message.receiver
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.receiver_changed(
        Receiver(r.name, r.phone, r.region, r.city, r.address), message.change_id, "fulfillment", now))
