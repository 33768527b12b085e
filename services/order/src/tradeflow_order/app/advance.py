"""The one way an existing order changes: a step of its saga, in one transaction.

Lock the order's saga (so one order's steps run one at a time), load the order, let the
aggregate decide, run the risk check when the last reservation arrives, save the order, move
the saga as its table allows (the kit refuses any other move) and publish what the order
recorded — with one OrderChanged when its after-sales facts changed — all committing together.

A saga that ended (`completed` in handed_over, `compensated` in cancelled) still advances: refunds,
after-sales cases and late parcels reach orders long done, and staying in a step is no move.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from tradeflow_kit.sagas.instance import move
from tradeflow_order.app.announcements import publish_events
from tradeflow_order.app.order_facts import facts_key, order_changed
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.errors import OrderNotFound
from tradeflow_order.domain.model import OrderType
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.risk import RiskFacts, assess
from tradeflow_order.domain.states import OrderStep

Action = Callable[[Order, datetime], None]


async def advance(tx: OrderTransaction, c: Collaborators, order_id: str, cause: str, action: Action) -> Order:
    saga = await tx.sagas.get(order_id, lock=True)
    if saga is None:
        raise OrderNotFound(f"no order {order_id}")
    order = await tx.orders.get(order_id)
    now, facts = c.clock.now(), facts_key(order)
    action(order, now)
    await after_reservation(tx, c, order, now)
    changed = (after := facts_key(order)) is not None and after != facts
    if changed:
        order.after_sales.version += 1
    await tx.orders.save(order)
    if move(c.saga, saga, order.step, cause, now):
        await tx.sagas.save(saga)
    if changed:
        await tx.publish(order_changed(order, now), key=order.id)
    await publish_events(tx, order)
    return order


async def after_reservation(tx: OrderTransaction, c: Collaborators, order: Order, now: datetime) -> None:
    """All stock is held: hold for review if a risk rule fires, else ask for payment."""
    if order.step is not OrderStep.RESERVING or not order.all_reserved:
        return
    if reason := await _risk(tx, c, order, now):
        order.put_on_hold(reason, now)
    else:
        order.await_payment(c.saga.deadline_after(OrderStep.AWAITING_PAYMENT, now), now)


async def _risk(tx: OrderTransaction, c: Collaborators, order: Order, now: datetime) -> str | None:
    """Why the order must be reviewed, if a rule fires; the counts include the order itself (it is
    stored before it is assessed). A channel order is never held: the channel took and checked it."""
    if order.terms.type is OrderType.CHANNEL:
        return None
    phone_count, address_count = await tx.orders.recent_counts(order.receiver.phone, order.receiver,
                                                               now - timedelta(hours=1))
    return assess(RiskFacts(order.buyer_id, order.receiver.phone, order.receiver.address, order.paid_amount,
                            phone_count, address_count), c.risk)
