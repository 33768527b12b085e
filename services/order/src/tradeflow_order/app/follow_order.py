"""Following an order (GET /orders/{id}/events): its changes as they commit, without polling.

The first change sent is the order's current state (as its latest history entry); a follower
that reconnects names the last position it saw and gets every change after it. Each change is a
history entry at its position (1-based). The order is re-read after every wake, and at least
every `recheck` seconds in case a notification was lost; following ends when the order is
settled (nothing more happens to it by itself).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from tradeflow_order.app.ports import OrderChanges, Transactions
from tradeflow_order.domain.order import Order


@dataclass(frozen=True)
class OrderChange:
    position: int  # in the order's history, from 1: a follower resumes after it
    status: str
    payment_status: str
    event: str
    at: datetime


def changes_after(order: Order, position: int | None) -> list[OrderChange]:
    """The changes after `position`; with None (or a position the order has not reached), the
    current state alone."""
    history = order.history
    if position is None or position > len(history):
        last = history[-1]
        return [OrderChange(len(history), order.status, order.payment_status, last.event, last.at)]
    return [OrderChange(i, h.to_status, h.payment_status or order.payment_status, h.event, h.at)
            for i, h in enumerate(history[position:], start=position + 1)]


async def follow_order(transactions: Transactions, changes: OrderChanges, order_id: str, after: int | None,
                       recheck: float = 30.0) -> AsyncIterator[OrderChange]:
    async with changes.watch(order_id) as changed:  # before the first read: no change slips between
        while True:
            async with transactions.read() as tx:
                order = await tx.orders.get(order_id)
            for change in changes_after(order, after):
                yield change
                after = change.position
            if order.settled:
                return
            await changed.wait(recheck)
