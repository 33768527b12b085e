"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_inventory.app.ports import Clock
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.unit_of_work import SqlaTransactions, SqlaUnitOfWork


@dataclass(frozen=True)
class InventoryApi:
    transactions: SqlaTransactions[SqlaUnitOfWork]  # Transactions (the port); `tx.session` holds Idempotency-Keys
    idempotency: IdempotencyStore
    clock: Clock


async def inventory_api(request: Request) -> InventoryApi:
    """The routes' dependency: `api: InventoryApi = Depends(inventory_api)`."""
    return request.app.state.api
