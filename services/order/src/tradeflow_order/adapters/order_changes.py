"""The `order_changed` channel (PostgreSQL LISTEN/NOTIFY, tradeflow_kit.notifications): a
transaction that adds to an order's history notifies it with the order id; the process's one
listener, watched through the kit's ChannelWatch (the OrderChanges port), wakes the event streams
following that order."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.notifications import notify

CHANNEL = "order_changed"


async def tell_changed(session: AsyncSession, order_id: str) -> None:
    """In the transaction that changes the order: its followers wake when it commits."""
    await notify(session, CHANNEL, order_id)
