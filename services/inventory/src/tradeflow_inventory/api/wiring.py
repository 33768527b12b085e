"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_inventory.app.ports import Transactions


@dataclass(frozen=True)
class InventoryApi:
    transactions: Transactions


async def inventory_api(request: Request) -> InventoryApi:
    """The routes' dependency: `api: InventoryApi = Depends(inventory_api)`."""
    return request.app.state.api
