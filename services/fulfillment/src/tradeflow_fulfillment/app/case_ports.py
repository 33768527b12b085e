"""What the after-sales use cases need from the database: the returns cases expect and the lines
cases revoked (part of `FulfillmentTransaction`, see `ports.py`)."""

from datetime import datetime
from typing import Protocol

from tradeflow_fulfillment.domain.returns import CaseReturn


class CaseReturns(Protocol):
    async def get(self, case_id: str, *, lock: bool = False) -> CaseReturn | None: ...

    async def add(self, case_return: CaseReturn) -> bool:
        """Store a new one; False (nothing stored) when the case's return is known already — a
        concurrent add waits for the first one's transaction, then sees it."""

    async def save(self, case_return: CaseReturn) -> None: ...

    async def of_order(self, order_id: str) -> list[CaseReturn]:
        """The order's returns (not locked)."""

    async def find(self, *, order_id: str | None = None, status: str | None = None,
                   limit: int = 100) -> list[CaseReturn]:
        """Returns matching both filters given (not locked), the longest known first."""

    async def claim_due(self, now: datetime) -> CaseReturn | None:
        """A return whose registration (or cancel) with the warehouse is due (`registration_due_at` ≤ now),
        row-locked, SKIP LOCKED like `ShipmentRepository.claim_due`."""


class CaseRevocations(Protocol):
    """The lines whose entitlement an after-sales case revoked, also before it was granted."""

    async def record(self, case_id: str, order_id: str, line_id: str, reason: str, at: datetime,
                     entitlement_id: str | None) -> None:
        """Insert, or name the entitlement revoked once it is."""

    async def of_line(self, order_id: str, line_id: str) -> tuple[str, str] | None:
        """(case id, reason) of the first case that asked to revoke the line, if any."""
