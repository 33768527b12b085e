"""PayableNotices over PostgreSQL LISTEN/NOTIFY (tradeflow_kit.notifications): the payable's
insert notifies `payment_payable` with the order id; each process's one listener wakes the
requests waiting for that order."""

from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.notifications import Listener, Watch, notify

CHANNEL = "payment_payable"


async def tell_payable(session: AsyncSession, order_id: str) -> None:
    """In the transaction that adds the order's payable: its waiters wake when it commits."""
    await notify(session, CHANNEL, order_id)


class PgPayableNotices:
    def __init__(self, listener: Listener) -> None:
        self._listener = listener

    def watch(self, order_id: str) -> AbstractAsyncContextManager[Watch]:
        return self._listener.watch(CHANNEL, order_id)
