"""What the fulfillment use cases need from the outside, named by role; adapters implement them."""

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_kit.system import Clock, IdGenerator

Page = tuple[datetime, str] | None  # continue after this (time, id): newest first


class ShipmentRepository(Protocol):
    async def add(self, shipment: Shipment) -> None:
        """Store a new shipment with its lines and history."""

    async def save(self, shipment: Shipment) -> None:
        """Store what changed of a loaded shipment: its row, its lines as they are now, and the
        history entries recorded since it was loaded (history is append-only)."""

    async def get(self, shipment_id: str) -> Shipment:
        """The shipment; ShipmentNotFound if there is none."""

    async def lock_buyer(self, buyer_id: str) -> None:
        """Serialize the planning of this buyer's orders until the transaction ends, so two paid
        orders arriving together see each other's waiting shipments (and merge, not race)."""

    async def waiting(self, buyer_id: str, now: datetime) -> list[Shipment]:
        """The buyer's shipments still waiting in their merge window (ready, dispatch_after after
        `now`), row-locked until the transaction ends."""

    async def find(self, *, order_id: str | None = None, status: str | None = None, warehouse: str | None = None,
                   buyer_id: str | None = None, merchant_id: str | None = None, limit: int = 20,
                   before: Page = None) -> list[Shipment]:
        """Newest planned first; narrowed to those holding the order's lines, in a status or
        warehouse, of one buyer, and/or holding a merchant's lines."""


class EntitlementRepository(Protocol):
    async def add(self, entitlements: Collection[Entitlement]) -> None: ...

    async def find(self, *, account: str | None, limit: int, before: Page = None) -> list[Entitlement]:
        """Newest granted first; an account's, or all."""


class PlannedOrders(Protocol):
    async def claim(self, order_id: str, at: datetime) -> bool:
        """Record that the order's fulfillment is planned; False if it was already (by any
        message, any replica): the caller then does nothing."""


class FulfillmentTransaction(Protocol):
    """One database transaction (the unit of work): the service's repositories in it, and the
    messages it publishes on commit."""

    @property
    def shipments(self) -> ShipmentRepository: ...

    @property
    def entitlements(self) -> EntitlementRepository: ...

    @property
    def planned_orders(self) -> PlannedOrders: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[FulfillmentTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[FulfillmentTransaction]:
        """A transaction for reading only: rolled back, never committed."""


@dataclass(frozen=True)
class Collaborators:
    """What the use cases share, built once in the composition root."""

    clock: Clock
    ids: IdGenerator
    rules: PlanningRules
