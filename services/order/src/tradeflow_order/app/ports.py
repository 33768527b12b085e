"""What the order use cases need from the outside, by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_kit.notices import Notices
from tradeflow_kit.sagas.definition import SagaDefinition
from tradeflow_kit.sagas.ports import SagaStore
from tradeflow_kit.system import Clock, IdGenerator
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.risk import RiskPolicy


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Store a new order with its sub-orders, lines and history so far."""

    async def get(self, order_id: str) -> Order:
        """The order (with the step its saga stands in); OrderNotFound if there is none. Writers
        lock the order's saga first, so one order's changes run one at a time."""

    async def save(self, order: Order) -> None:
        """Store what the saga may change, and append the new history entries (which wakes the
        order's `OrderChanges` watchers, in every process, when the transaction commits)."""

    async def find(self, *, buyer_id: str | None, merchant_id: str | None, status: str | None, limit: int,
                   before: tuple[datetime, str] | None) -> list[Order]:
        """Newest first; narrowed to a buyer's orders and/or those holding a merchant's sub-orders."""

    async def lock_buyer(self, buyer_id: str) -> None:
        """Serialize this buyer's placements until the transaction ends."""

    async def unpaid_units(self, buyer_id: str, skus: set[str]) -> dict[str, int]:
        """Stock units of each SKU the buyer holds in unpaid orders (pending payment, not cancelled)."""

    async def recent_counts(self, phone: str, receiver: Receiver, since: datetime) -> tuple[int, int]:
        """Orders placed since `since` for this phone, and for this address."""


class OrderTransaction(Protocol):
    """One database transaction (the unit of work): the repositories in it, and the messages it
    publishes when — and only if — it commits (transactional outbox)."""

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def sagas(self) -> SagaStore: ...

    async def publish(self, message: Contract, *, key: str) -> None: ...


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[OrderTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[OrderTransaction]:
        """A transaction for reading only: rolled back, never committed."""


OrderChanges = Notices  # a change of an order (a new history entry) committed, in any replica: watch(order_id)


@dataclass(frozen=True)
class Collaborators:
    """What the use cases share, built once in the composition root."""

    clock: Clock
    ids: IdGenerator
    saga: SagaDefinition  # the order saga's declared table (`order_saga.order_saga`)
    risk: RiskPolicy
    max_unpaid_units_per_sku: int = 50

    @property
    def payment_timeout(self) -> timedelta:
        return self.saga.step("awaiting_payment").deadline
