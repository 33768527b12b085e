"""What the order use cases need from the outside, by role."""

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.order import Order


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None: ...
    async def get(self, order_id: str, lock: bool = False) -> Order: ...
    async def save(self, order: Order, loaded_history: int) -> None: ...
    async def list_for(self, buyer_id: str | None, status: str | None, limit: int,
                       before: tuple[datetime, str] | None, merchant_id: str | None = None) -> list[Order]: ...
    async def lock_buyer(self, buyer_id: str) -> None: ...
    async def unpaid_units(self, buyer_id: str, skus: set[str]) -> dict[str, int]: ...
    async def due_for_payment_timeout(self, now: datetime, limit: int) -> list[str]: ...
    async def recent_counts(self, phone: str, receiver: Receiver, since: datetime) -> tuple[int, int]: ...


class Transaction(Protocol):
    """An open database transaction. The use cases never use it themselves: they hand it to the
    adapters that work inside it (the repository, the outbox), so all commits together."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[Transaction]:
        """A new transaction, committed when the block ends without an error."""


RepositoryFactory = Callable[[Transaction], OrderRepository]
Publish = Callable[[Contract, str], Awaitable[object]]
"""Send a message keyed by the order id when the current transaction commits (the outbox)."""


class Clock(Protocol):
    def __call__(self) -> datetime: ...
