"""Staff HTTP API of the inventory: warehouses, stock counts, stock per SKU, reservations."""

import structlog
from fastapi import APIRouter, Depends, Query

from tradeflow_inventory.api.errors import as_problems, problem_docs
from tradeflow_inventory.api.schemas import (
    OnHandIn,
    ReservationOut,
    ReservationPage,
    SkuStockOut,
    StockRowOut,
    WarehouseIn,
    WarehouseOut,
)
from tradeflow_inventory.app.manage_stock import define_warehouse, reservations_of_order, set_on_hand, stock_of_sku
from tradeflow_inventory.app.ports import Transactions
from tradeflow_inventory.domain.stock import Warehouse
from tradeflow_kit.auth import Principal, Role, require_roles

log = structlog.get_logger(__name__)

staff_only = require_roles(Role.STAFF)
staff_or_system = require_roles(Role.STAFF, Role.SYSTEM)


def build_router(transactions: Transactions) -> APIRouter:
    router = APIRouter(prefix="/inventory", tags=["inventory"])

    @router.put("/warehouses/{code}", summary="Create or change a warehouse", responses=problem_docs(401, 403, 422))
    async def put_warehouse(code: str, body: WarehouseIn, who: Principal = Depends(staff_only)) -> WarehouseOut:
        async with transactions() as store:
            warehouse = await define_warehouse(store, Warehouse(code, body.region, body.priority))
        log.info("inventory.warehouse_defined", warehouse=code, actor=who.sub)
        return WarehouseOut.of(warehouse)

    @router.put("/stock/{sku}/{warehouse}", summary="Set the on-hand count of a SKU in a warehouse",
                responses=problem_docs(401, 403, 404, 409, 422))
    async def put_stock(sku: str, warehouse: str, body: OnHandIn,
                        who: Principal = Depends(staff_only)) -> StockRowOut:
        with as_problems():
            async with transactions() as store:
                row = await set_on_hand(store, sku, warehouse, body.on_hand)
        log.info("inventory.on_hand_set", sku=sku, warehouse=warehouse, on_hand=row.on_hand, actor=who.sub)
        return StockRowOut.of(row)

    @router.get("/stock/{sku}", summary="A SKU's stock per warehouse and in total",
                dependencies=[Depends(staff_or_system)], responses=problem_docs(401, 403))
    async def get_stock(sku: str) -> SkuStockOut:
        async with transactions() as store:
            return SkuStockOut.of(await stock_of_sku(store, sku))

    @router.get("/reservations", summary="An order's reservations and their states",
                dependencies=[Depends(staff_or_system)], responses=problem_docs(401, 403, 422))
    async def get_reservations(order_id: str = Query(min_length=1)) -> ReservationPage:
        async with transactions() as store:
            found = await reservations_of_order(store, order_id)
        return ReservationPage(items=[ReservationOut.of(r) for r in found])

    return router
