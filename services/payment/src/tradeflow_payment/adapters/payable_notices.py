"""The `payment_payable` channel (PostgreSQL LISTEN/NOTIFY, tradeflow_kit.notifications): the
payable's insert notifies it with the order id; the process's one listener, watched through the
kit's ChannelWatch (the PayableNotices port), wakes the requests waiting for that order."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.notifications import notify

CHANNEL = "payment_payable"


async def tell_payable(session: AsyncSession, order_id: str) -> None:
    """In the transaction that adds the order's payable: its waiters wake when it commits."""
    await notify(session, CHANNEL, order_id)
