"""OrderChanges over PostgreSQL LISTEN/NOTIFY (tradeflow_kit.notifications): a transaction that
adds to an order's history notifies `order_changed` with the order id; each process's one
listener wakes the event streams following that order."""

from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.notifications import Listener, Watch, notify

CHANNEL = "order_changed"


async def tell_changed(session: AsyncSession, order_id: str) -> None:
    """In the transaction that changes the order: its followers wake when it commits."""
    await notify(session, CHANNEL, order_id)


class PgOrderChanges:
    def __init__(self, listener: Listener) -> None:
        self._listener = listener

    def watch(self, order_id: str) -> AbstractAsyncContextManager[Watch]:
        return self._listener.watch(CHANNEL, order_id)
