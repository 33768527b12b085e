"""What the receiver changes need from the database (part of `FulfillmentTransaction`, see
`ports.py`)."""

from typing import Protocol

from tradeflow_fulfillment.domain.receiver_change import ReceiverChange


class ReceiverChanges(Protocol):
    async def get(self, change_id: str) -> ReceiverChange | None:
        """The change, row-locked until the transaction ends (after the shipments: every use case
        locks shipments first); None if it was never asked."""

    async def pending(self, order_id: str) -> list[ReceiverChange]:
        """The order's changes not settled yet, row-locked."""

    async def waiting_for(self, shipment_id: str) -> list[ReceiverChange]:
        """The changes not settled yet that wait for the shipment's answer, row-locked."""

    async def save(self, change: ReceiverChange) -> None:
        """Insert or update."""
