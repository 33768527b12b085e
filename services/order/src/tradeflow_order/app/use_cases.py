"""HTTP use cases: place, cancel, and the staff review actions, each one transaction."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_order.app.messages import outbox_publisher
from tradeflow_order.app.saga import OrderSaga
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, place


@dataclass(frozen=True)
class OrderUseCases:
    saga: OrderSaga
    outbox: Outbox
    new_id: Callable[[str], str]

    def _publisher(self, session: AsyncSession, order_id: str):
        return outbox_publisher(self.outbox, session, order_id)

    async def place_order(self, session: AsyncSession, cart: Cart, actor: str) -> Order:
        order = place(cart, self.new_id, actor, self.saga.clock())
        await self.saga.start(session, order, self._publisher(session, order.id))
        return order

    async def cancel_order(self, session: AsyncSession, order_id: str, actor: str, reason: str) -> Order:
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.cancel(reason, actor, now))

    async def approve_order(self, session: AsyncSession, order_id: str, actor: str, reason: str | None) -> Order:
        deadline = self.saga.payment_deadline()
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.approve(actor, reason, deadline, now))

    async def reject_order(self, session: AsyncSession, order_id: str, actor: str, reason: str) -> Order:
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.reject(actor, reason, now))
