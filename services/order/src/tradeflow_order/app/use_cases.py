"""HTTP use cases: place, cancel, and the staff review actions, each one transaction.

Placing enforces the per-buyer cap: the stock units of one SKU a buyer holds in unpaid orders
(pending payment, not cancelled) plus those asked may not exceed `max_unpaid_units_per_sku`, so
one buyer cannot hold a product's whole stock until the payment deadline. The buyer's placements
are serialized by a transaction-level lock, so concurrent requests cannot both slip under it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_order.app.messages import outbox_publisher
from tradeflow_order.app.ports import Transaction
from tradeflow_order.app.saga import OrderSaga
from tradeflow_order.domain.errors import OrderError
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, place

DEFAULT_MAX_UNPAID_UNITS_PER_SKU = 50


class UnpaidUnitsLimit(OrderError):
    """The buyer would hold more units of a SKU in unpaid orders than allowed."""

    slug = "unpaid-units-limit"

    def __init__(self, sku: str, held: int, asked: int, limit: int) -> None:
        super().__init__(f"{sku}: {held} units already held in unpaid orders and {asked} asked; "
                         f"at most {limit} per SKU until paid")
        self.sku, self.held, self.asked, self.limit = sku, held, asked, limit


@dataclass(frozen=True)
class OrderUseCases:
    saga: OrderSaga
    outbox: Outbox
    new_id: Callable[[str], str]
    max_unpaid_units_per_sku: int = DEFAULT_MAX_UNPAID_UNITS_PER_SKU

    def _publisher(self, session: Transaction, order_id: str):
        return outbox_publisher(self.outbox, session, order_id)

    async def place_order(self, session: Transaction, cart: Cart, actor: str) -> Order:
        order = place(cart, self.new_id, actor, self.saga.clock())
        await self._within_unpaid_cap(session, cart)
        await self.saga.start(session, order, self._publisher(session, order.id))
        return order

    async def cancel_order(self, session: Transaction, order_id: str, actor: str, reason: str) -> Order:
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.cancel(reason, actor, now))

    async def approve_order(self, session: Transaction, order_id: str, actor: str, reason: str | None) -> Order:
        deadline = self.saga.payment_deadline()
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.approve(actor, reason, deadline, now))

    async def reject_order(self, session: Transaction, order_id: str, actor: str, reason: str) -> Order:
        return await self.saga.step(session, order_id, self._publisher(session, order_id),
                                    lambda order, now: order.reject(actor, reason, now))

    async def _within_unpaid_cap(self, session: Transaction, cart: Cart) -> None:
        asked: dict[str, int] = {}
        for line in cart.lines:
            if line.kind == "physical":
                asked[line.sku] = asked.get(line.sku, 0) + line.quantity
        if not asked:
            return
        repo = self.saga.repositories(session)
        await repo.lock_buyer(cart.buyer_id)
        held = await repo.unpaid_units(cart.buyer_id, set(asked))
        for sku, units in sorted(asked.items()):
            if held.get(sku, 0) + units > self.max_unpaid_units_per_sku:
                raise UnpaidUnitsLimit(sku, held.get(sku, 0), units, self.max_unpaid_units_per_sku)
