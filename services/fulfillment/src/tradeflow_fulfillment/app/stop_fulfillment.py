"""Stop a paid order's fulfillment: the order is cancelled after payment (DOMAIN §4 订单取消).

* An order not planned yet (fulfillment restarted and read its commands before `order.paid`):
  the lines asked are stopped at once (cumulative, as asked) and the stop is kept; the later
  `order.paid` plans only what it left (`plan_fulfillment.py`) — every unit asked: nothing; some
  (an after-sales case): the rest ships and is granted. Stop and plan of one order take its lock
  (`lock_order`), so one of the two sees the other. An order skipped as paid before the start
  point (FULFILLMENT_PLAN_PAID_SINCE) is not ours to stop: every line goes on
  (`not-fulfilled-here`). A stop that arrives, on a first start, before the old `order.paid` is
  read counts as never planned — keep the start point's replay short (start fulfillment before
  the orders it should skip are cancelled).
* Otherwise its active entitlements are revoked, and every shipment holding its goods is asked to
  stop them (`Shipment.stop`: by stage — at once before dispatch, an interception at the warehouse
  or the carrier after, refused once signed). Parts decided later are recorded when their answer
  comes (`record_verdicts`, from the callbacks, the interceptor and the dispatcher).
* A line's quantity is the units to be stopped in all (cumulative): fewer than the order has (an
  after-sales case before shipment) stops only those, least far along first (`partial_stop.py`).
* Once every part is decided the order is answered with FulfillmentStopped (cumulative).

Locks: shipments (in id order) before the order's stop, as every use case takes them. A request
while one is being decided is dropped: the answer on its way covers it.
"""

from dataclasses import replace
from datetime import datetime

import structlog

from tradeflow_contracts import fulfillment as contract
from tradeflow_contracts.fulfillment import StopFulfillment
from tradeflow_fulfillment.app.announcements import announce_entitlement, announce_shipment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.interception import (
    NOT_FULFILLED_HERE,
    PARTIAL_ENTITLEMENT,
    GoingOn,
    Stopped,
    Verdict,
)
from tradeflow_fulfillment.domain.partial_stop import (
    KEEPS_ITS_LINES,
    left_to_stop,
    live_units,
    piece,
    stage_order,
    to_take,
    whole_request,
)
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.stopping import OrderStop, Units

log = structlog.get_logger(__name__)


async def stop_fulfillment(tx: FulfillmentTransaction, message: StopFulfillment, c: Collaborators) -> None:
    now, order_id = c.clock.now(), message.order_id
    await tx.pre_sale_arrivals.lock_order(order_id)  # serialized with planning it
    never_planned = not await tx.planned_orders.is_planned(order_id) and \
        not await tx.planned_orders.was_skipped(order_id)
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
        left = left_to_stop(stop, {ln.line_id: ln.quantity for ln in message.lines})
        await _revoke_entitlements(tx, stop, left, now)
        await _stop_shipments(tx, stop, shipments, left, message, c)
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


async def _stop_shipments(tx: FulfillmentTransaction, stop: OrderStop, shipments: list[Shipment],
                          left: dict[str, int], message: StopFulfillment, c: Collaborators) -> None:
    """Each shipment's live units of the order, as far as their lines have units left to stop
    (`partial_stop.py`): all of them → stopped by stage; some → `stop_some`; none → left alone."""
    now, order_id = c.clock.now(), message.order_id
    live = {s.id: live_units(stop, s, order_id) for s in shipments if not stop.is_stopped(s.id)}
    ordered = shipments if whole_request(left, live.values()) else stage_order(shipments)
    for shipment in (s for s in ordered if s.id in live):
        take = to_take(left, live[shipment.id])
        if not take:
            continue
        sub_orders = {ln.line_id: ln.sub_order_id for ln in shipment.lines}
        if take == live[shipment.id]:
            units = [Units(line_id, sub_orders[line_id], n, shipment.id, shipment.warehouse)
                     for line_id, n in take.items()]
            verdict = shipment.stop(order_id, message.reason, now, now + c.intercept_deadline)
            stop.wait_for(shipment.id, units) if verdict is None else stop.decide(units, verdict)
        else:
            units = piece(shipment, stop, take, sub_orders, cut=shipment.status not in KEEPS_ITS_LINES)
            verdict = shipment.stop_some(order_id, take, message.reason, now, now + c.intercept_deadline)
            stop.wait_for(shipment.id, units) if verdict is None else stop.decide(units, verdict)
        await tx.shipments.save(shipment)
        await announce_shipment(tx, shipment)


async def _revoke_entitlements(tx: FulfillmentTransaction, stop: OrderStop, left: dict[str, int],
                               now: datetime) -> None:
    """Virtual goods are taken back (the buyer never keeps both the money and the goods) — an
    entitlement whole: asked for fewer of its units, it goes on (`partial-entitlement`)."""
    for entitlement in await tx.entitlements.of_order(stop.order_id):
        wanted = left.get(entitlement.line_id, 0)
        if stop.is_stopped(entitlement.id) or not wanted:
            continue
        units = Units(entitlement.line_id, entitlement.sub_order_id, entitlement.quantity,
                      entitlement_id=entitlement.id)
        if wanted < entitlement.quantity:
            stop.decide([replace(units, quantity=wanted)], GoingOn(
                PARTIAL_ENTITLEMENT, f"entitlement {entitlement.id} holds {entitlement.quantity} units: it is "
                                     f"revoked whole or not at all (after-sales revokes it with its refund)"))
            continue
        if entitlement.revoke(f"order cancelled: {stop.reason}", now):
            await tx.entitlements.save(entitlement)
            await announce_entitlement(tx, entitlement)
        left[entitlement.line_id] -= entitlement.quantity
        stop.decide([units], Stopped())
