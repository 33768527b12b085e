"""Send a paid order's goods to another receiver (ChangeReceiver, issue 13: a channel's address
change, approved by staff), answered once with ReceiverChangeSettled. What is changed, refused or
waited for: `domain/receiver_change.py`; each shipment is re-reviewed as staff would
(`re_review_shipment.py`).

* An order fulfillment has not planned yet (the command overtook `order.paid`) waits for its plan:
  `PlanNotYetKnown` is retried by the kit without spending the message's retries, for up to its
  patience. An order paid before the start point (FULFILLMENT_PLAN_PAID_SINCE) has nothing here to
  send: settled at once with no outcomes, as an order of virtual goods only.
* A shipment being dispatched right now waits the same way (`ShipmentBeingDispatched`): a moment
  later its dispatch has settled, and it is changed at once or stopped at the warehouse first.
* The warehouse's answers to the interceptions come later (its callbacks, or the interceptor at
  the deadline): `record_re_review` decides the shipment for the change waiting for it.
* Idempotent: a repeat of the `change_id` is answered again once settled, and dropped while it is
  being decided (its answer is on its way); the kit's inbox drops exact redeliveries.

Locks: the order's planning lock, its shipments (in id order), then the changes — as a stop does.
"""

from datetime import datetime

import structlog

from tradeflow_contracts import fulfillment as contract
from tradeflow_contracts.orders import Receiver as ReceiverOut
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.re_review_shipment import re_review_shipment
from tradeflow_fulfillment.domain.errors import BeingDispatched, ReReviewRefused
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.re_review import CHANGED, ON_ITS_WAY
from tradeflow_fulfillment.domain.receiver_change import ReceiverChange, refusal, to_re_review
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_kit.outages import AwaitingFacts

log = structlog.get_logger(__name__)


class PlanNotYetKnown(AwaitingFacts):
    """The order's `order.paid` has not been planned yet: the change waits for it."""


class ShipmentBeingDispatched(AwaitingFacts):
    """A shipment of the order is being dispatched right now: the change waits for it to settle."""


async def change_receiver(tx: FulfillmentTransaction, message: contract.ChangeReceiver, c: Collaborators) -> None:
    now, order_id = c.clock.now(), message.order_id
    await tx.pre_sale_arrivals.lock_order(order_id)  # serialized with planning it
    skipped = await tx.planned_orders.was_skipped(order_id)
    if not skipped and not await tx.planned_orders.is_planned(order_id):
        raise PlanNotYetKnown(f"order {order_id} is not planned yet: receiver change {message.change_id} waits "
                              "for its order.paid")
    shipments = [] if skipped else to_re_review(await tx.shipments.holding(order_id))
    known = await tx.receiver_changes.get(message.change_id)
    if known is not None:
        if known.settled:
            await _answer(tx, known)
        log.info("fulfillment.receiver_change_repeated", order_id=order_id, change_id=message.change_id,
                 settled=known.settled)
        return
    r = message.receiver
    change = ReceiverChange.request(message.change_id, order_id, Receiver(r.name, r.phone, r.region, r.city, r.address),
                                    message.reason, message.requested_by, now)
    if pending := await tx.receiver_changes.pending(order_id):
        for shipment in shipments:
            change.decide(shipment.id, False, f"another receiver change ({pending[0].change_id}) is being decided")
    else:
        await _re_review(tx, change, shipments, c)
    log.info("fulfillment.receiver_change_requested", order_id=order_id, change_id=change.change_id,
             waiting=list(change.waiting), shipments=[s.id for s in shipments])
    await conclude(tx, change, now)


async def record_re_review(tx: FulfillmentTransaction, shipment: Shipment, now: datetime) -> None:
    """The shipment's re-review settled by the interception's answer (the shipment is locked): the
    change waiting for it is decided."""
    outcome = shipment.pull_re_review()
    if outcome is None:
        return
    for change in await tx.receiver_changes.waiting_for(shipment.id):
        if change.decide_waiting(shipment.id, outcome.changed, outcome.detail):
            await conclude(tx, change, now)


async def conclude(tx: FulfillmentTransaction, change: ReceiverChange, now: datetime) -> None:
    """Save the change, answering once nothing waits."""
    if change.settle(now):
        await _answer(tx, change)
        log.info("fulfillment.receiver_change_settled", order_id=change.order_id, change_id=change.change_id,
                 changed=change.changed, outcomes=[(o.shipment_id, o.detail) for o in change.outcomes])
    await tx.receiver_changes.save(change)


async def _re_review(tx: FulfillmentTransaction, change: ReceiverChange, shipments: list[Shipment],
                     c: Collaborators) -> None:
    for shipment in shipments:
        if why := refusal(shipment):
            change.decide(shipment.id, False, why)
            continue
        try:
            _, at_once = await re_review_shipment(tx, c, shipment.id, change.receiver, change.reason,
                                                  change.requested_by)
        except BeingDispatched as busy:
            raise ShipmentBeingDispatched(str(busy)) from busy
        except ReReviewRefused as refused:
            change.decide(shipment.id, False, ON_ITS_WAY if shipment.has_shipped else str(refused))
            continue
        if at_once:
            change.decide(shipment.id, True, CHANGED)
        else:
            change.wait_for(shipment.id)


async def _answer(tx: FulfillmentTransaction, change: ReceiverChange) -> None:
    r = change.receiver
    await tx.publish(contract.ReceiverChangeSettled(
        change_id=change.change_id, order_id=change.order_id, changed=change.changed, settled_at=change.settled_at,
        receiver=ReceiverOut(name=r.name, phone=r.phone, region=r.region, city=r.city, address=r.address),
        outcomes=[contract.ReceiverOutcome(shipment_id=o.shipment_id, changed=o.changed, detail=o.detail)
                  for o in change.outcomes]), key=change.order_id)
