"""Stop a paid order's fulfillment: the order is cancelled after payment (DOMAIN §4 订单取消).

* An order not planned yet is planned as nothing (a later `order.paid` finds it claimed): every
  line is stopped at once. One skipped as paid before the start point (FULFILLMENT_PLAN_PAID_SINCE)
  is not ours to stop: every line goes on (`not-fulfilled-here`). A stop that arrives, on a first
  start, before the old `order.paid` is read counts as never planned — keep the start point's
  replay short (start fulfillment before the orders it should skip are cancelled).
* Otherwise its active entitlements are revoked, and every shipment holding its goods is asked to
  stop them (`Shipment.stop`: by stage — at once before dispatch, an interception at the warehouse
  or the carrier after, refused once signed). Parts decided later are recorded when their answer
  comes (`record_verdicts`, from the callbacks, the interceptor and the dispatcher).
* Once every part is decided the order is answered with FulfillmentStopped (cumulative).

Locks: shipments (in id order) before the order's stop, as every use case takes them. A request
while one is being decided is dropped: the answer on its way covers it.
"""

from datetime import datetime

import structlog

from tradeflow_contracts import fulfillment as contract
from tradeflow_contracts.fulfillment import StopFulfillment
from tradeflow_fulfillment.app.announcements import announce_entitlement, announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.interception import NOT_FULFILLED_HERE, GoingOn, Stopped, Verdict
from tradeflow_fulfillment.domain.stopping import OrderStop, Units, units_in

log = structlog.get_logger(__name__)


async def stop_fulfillment(tx: FulfillmentTransaction, message: StopFulfillment, c: Collaborators) -> None:
    now, order_id = c.clock.now(), message.order_id
    never_planned = await tx.planned_orders.claim(order_id, now)
    shipments = [] if never_planned else await tx.shipments.holding(order_id)
    stop = await tx.stops.get(order_id)
    if stop is not None and not stop.decided:
        log.info("fulfillment.stop_being_decided", order_id=order_id, waiting=sorted(stop.waiting))
        return
    if stop is None:
        stop = OrderStop.request(order_id, message.reason, message.requested_by, now)
    else:
        stop.ask_again(message.reason, message.requested_by, now)
    lines = [Units(ln.line_id, ln.sub_order_id, ln.quantity) for ln in message.lines]
    if never_planned:
        stop.decide(lines, Stopped())
    elif await tx.planned_orders.was_skipped(order_id):
        stop.decide(lines, GoingOn(NOT_FULFILLED_HERE, "paid before fulfillment's start point "
                                   "(FULFILLMENT_PLAN_PAID_SINCE): its goods were never planned here"))
    else:
        await _revoke_entitlements(tx, stop, now)
        for shipment in shipments:
            if stop.is_stopped(shipment.id):
                continue
            units = units_in(shipment, order_id)
            verdict = shipment.stop(order_id, message.reason, now, now + c.intercept_deadline)
            if verdict is None:
                stop.wait_for(shipment.id, units)
            else:
                stop.decide(units, verdict)
            await tx.shipments.save(shipment)
            await announce_shipment(tx, shipment)
    log.info("fulfillment.stop_requested", order_id=order_id, never_planned=never_planned,
             waiting=sorted(stop.waiting), shipments=[s.id for s in shipments])
    await conclude(tx, stop, now)


async def record_verdicts(tx: FulfillmentTransaction, shipment_id: str, verdicts: dict[str, Verdict],
                          now: datetime) -> None:
    """A shipment's answer for the orders whose stop waited for it (the shipment is locked)."""
    for order_id in sorted(verdicts):
        stop = await tx.stops.get(order_id)
        if stop is not None and stop.decide_waiting(shipment_id, verdicts[order_id]):
            await conclude(tx, stop, now)


async def conclude(tx: FulfillmentTransaction, stop: OrderStop, now: datetime) -> None:
    """Save the stop, answering the order once nothing is waiting."""
    if stop.decided:
        stopped, going_on = stop.answer(now)
        await tx.publish(contract.FulfillmentStopped(
            order_id=stop.order_id, reason=stop.reason, decided_at=now,
            stopped=[contract.StoppedUnits(line_id=u.line_id, sub_order_id=u.sub_order_id, quantity=u.quantity,
                                           shipment_id=u.shipment_id, warehouse=u.warehouse,
                                           returning=v.returning, entitlement_id=u.entitlement_id)
                     for u, v in stopped],
            going_on=[contract.GoingOnUnits(line_id=u.line_id, sub_order_id=u.sub_order_id, quantity=u.quantity,
                                            shipment_id=u.shipment_id, problem=v.problem, detail=v.detail)
                      for u, v in going_on]), key=stop.order_id)
        log.info("fulfillment.stop_answered", order_id=stop.order_id, stopped=sum(u.quantity for u, _ in stopped),
                 going_on=sum(u.quantity for u, _ in going_on))
    await tx.stops.save(stop)


async def _revoke_entitlements(tx: FulfillmentTransaction, stop: OrderStop, now: datetime) -> None:
    """Virtual goods are taken back (the buyer never keeps both the money and the goods)."""
    for entitlement in await tx.entitlements.of_order(stop.order_id):
        if stop.is_stopped(entitlement.id):
            continue
        if entitlement.revoke(f"order cancelled: {stop.reason}", now):
            await tx.entitlements.save(entitlement)
            await announce_entitlement(tx, entitlement)
        stop.decide([Units(entitlement.line_id, entitlement.sub_order_id, entitlement.quantity,
                           entitlement_id=entitlement.id)], Stopped())
