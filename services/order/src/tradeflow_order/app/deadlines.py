"""Payment deadlines, fired by a scheduler that survives restarts: the deadline is a column of
the order, and every replica may poll it (rows are claimed with SKIP LOCKED)."""

import asyncio

import structlog

from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.periodic import run_rounds
from tradeflow_order.app.messages import outbox_publisher
from tradeflow_order.app.ports import Transactions
from tradeflow_order.app.saga import OrderSaga

log = structlog.get_logger(__name__)


async def fire_due_deadlines(sessions: Transactions, saga: OrderSaga, outbox: Outbox,
                             batch: int = 50) -> int:
    """Start closing the payment of every order whose deadline has passed; returns how many.

    The order moves to the `closing_payment` step and sends ClosePayment: it is cancelled when
    PaymentClosed comes back, or paid if the provider reports that the buyer paid after all."""
    async with sessions.begin() as session:
        due = await saga.repositories(session).due_for_payment_timeout(saga.clock(), batch)
        for order_id in due:
            await saga.step(session, order_id, outbox_publisher(outbox, session, order_id),
                            lambda order, now: order.payment_deadline_passed(now))
            log.info("order.payment_deadline_passed", order_id=order_id)
    return len(due)


async def run_deadline_scheduler(sessions, saga: OrderSaga, outbox: Outbox, stop: asyncio.Event,
                                 interval: float = 0.5, batch: int = 50) -> None:
    await run_rounds("order.deadlines", lambda: fire_due_deadlines(sessions, saga, outbox, batch), stop,
                     interval=interval, full=1)
