"""What the channel adapter use cases need from the outside, named by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from tradeflow_contracts.registry import Contract


class ChannelAdapterTransaction(Protocol):
    """One database transaction (the unit of work): the service's repositories in it, each a
    property named by role, and the messages it publishes on commit. No repository yet."""

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[ChannelAdapterTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[ChannelAdapterTransaction]:
        """A transaction for reading only: rolled back, never committed."""
