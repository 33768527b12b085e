"""The order saga (ARCHITECTURE "Sagas"), persisted in the order itself:

    place order (pending payment) → reserve stock per sub-order → risk check (hold for review)
    → await payment until the deadline → paid: hand the sub-orders to fulfillment.
    Compensations: out of stock → cancel, release the rest; deadline passed → close the payment,
    release, cancel; cancel after payment → refund, release; paid after cancel → refund.

Each step runs in one transaction: load the order locked, let the aggregate decide, save it and
put the messages it caused in the outbox.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradeflow_order.app.messages import publish_events
from tradeflow_order.app.ports import Clock, Publish, RepositoryFactory, Transaction
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.risk import RiskFacts, RiskPolicy, assess


@dataclass(frozen=True)
class SagaSettings:
    payment_timeout: timedelta
    risk: RiskPolicy


@dataclass(frozen=True)
class OrderSaga:
    repositories: RepositoryFactory
    clock: Clock
    settings: SagaSettings

    async def start(self, session: Transaction, order: Order, publish: Publish) -> None:
        """A new order: store it and ask for its stock (virtual-only orders go straight on)."""
        repo = self.repositories(session)
        await repo.add(order)
        recorded = len(order.history)
        if order.all_reserved:
            await self._after_reservation(session, order)
        await publish_events(order, publish)
        if len(order.history) > recorded:
            await repo.save(order, recorded)

    async def step(self, session: Transaction, order_id: str, publish: Publish,
                   action: Callable[[Order, datetime], None]) -> Order:
        """Run one saga step on the locked order; returns it as saved."""
        repo = self.repositories(session)
        order = await repo.get(order_id, lock=True)
        loaded = len(order.history)
        reserving = order.step == "reserving"
        action(order, self.clock())
        if reserving and order.step == "reserving" and order.all_reserved:
            await self._after_reservation(session, order)
        await repo.save(order, loaded)
        await publish_events(order, publish)
        return order

    async def _after_reservation(self, session: Transaction, order: Order) -> None:
        """All stock is held: hold for review if a risk rule fires, else ask for payment."""
        now = self.clock()
        phone_count, address_count = await self.repositories(session).recent_counts(
            order.receiver.phone, order.receiver, now - timedelta(hours=1))
        reason = assess(RiskFacts(order.buyer_id, order.receiver.phone, order.receiver.address, order.paid_amount,
                                  phone_count, address_count), self.settings.risk)
        if reason:
            order.put_on_hold(reason, now)
        else:
            order.await_payment(now + self.settings.payment_timeout, now)

    def payment_deadline(self) -> datetime:
        return self.clock() + self.settings.payment_timeout
