"""`GET /inventory/movements`: the stock audit trail — units that left with shipments and came
back with returns — for staff and system, newest first, paged by cursor."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tradeflow_inventory.api.schemas import MovementOut, MovementPage
from tradeflow_inventory.api.wiring import InventoryApi, inventory_api
from tradeflow_inventory.app.manage_stock import stock_movements
from tradeflow_inventory.app.ports import MovementFilter
from tradeflow_kit.auth import Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.problems import Problem, problem_docs

router = APIRouter(prefix="/inventory", tags=["inventory"])
Filter = Annotated[str | None, Query(min_length=1)]


@router.get("/movements", summary="Deductions at shipment and restocks at return, newest first",
            dependencies=[Depends(require_roles(Role.STAFF, Role.SYSTEM))], responses=problem_docs(400, 401, 403, 422))
async def get_movements(sku: Filter = None, warehouse: Filter = None, shipment_id: Filter = None,
                        order_id: Filter = None, limit: Annotated[int, Query(ge=1, le=100)] = 20,
                        cursor: str | None = None, api: InventoryApi = Depends(inventory_api)) -> MovementPage:
    """`{items, next_cursor}`; the filters combine. Each item is one line of a deduction or a
    restock: what (sku, order line), where (warehouse), how many, when, which shipment/return."""
    where = MovementFilter(sku=sku, warehouse=warehouse, shipment_id=shipment_id, order_id=order_id)
    async with api.transactions.read() as tx:
        found = await stock_movements(tx, where, limit=limit + 1, before=_after(cursor))
    page, more = found[:limit], len(found) > limit
    return MovementPage(items=[MovementOut.of(m) for m in page],
                        next_cursor=encode_cursor(page[-1].at, str(page[-1].id)) if more else None)


def _after(cursor: str | None) -> tuple[datetime, int] | None:
    """The kit's (time, id) cursor, whose id is a movement's number here."""
    after = decode_cursor(cursor)
    if after is None:
        return None
    try:
        movement_id = int(after[1])
        if not 0 < movement_id < 2**63:  # a BIGINT
            raise ValueError(movement_id)
        return after[0], movement_id
    except ValueError:
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor is not one this API gave out",
                      errors=[{"field": "cursor", "message": "invalid"}]) from None
