"""`GET /inventory/reservations?order_id=`: an order's reservations, for staff and system."""

from fastapi import APIRouter, Depends, Query

from tradeflow_inventory.api.schemas import ReservationOut, ReservationPage
from tradeflow_inventory.api.wiring import InventoryApi, inventory_api
from tradeflow_inventory.app.manage_stock import reservations_of_order
from tradeflow_kit.auth import Role, require_roles
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/inventory", tags=["inventory"])


@router.get("/reservations", summary="An order's reservations and their states",
            dependencies=[Depends(require_roles(Role.STAFF, Role.SYSTEM))], responses=problem_docs(401, 403, 422))
async def get_reservations(order_id: str = Query(min_length=1),
                           api: InventoryApi = Depends(inventory_api)) -> ReservationPage:
    async with api.transactions.read() as tx:
        found = await reservations_of_order(tx, order_id)
    return ReservationPage(items=[ReservationOut.of(r) for r in found])
