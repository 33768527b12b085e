"""Staff keep warehouses, stock counts and incoming stock (`PUT /inventory/warehouses/{code}`,
`PUT /inventory/stock/{sku}/{warehouse}`); staff and system read a SKU's stock."""

import structlog
from fastapi import APIRouter, Depends

from tradeflow_inventory.api.schemas import SkuStockOut, StockIn, StockRowOut, WarehouseIn, WarehouseOut
from tradeflow_inventory.api.wiring import InventoryApi, inventory_api
from tradeflow_inventory.app.manage_stock import define_warehouse, set_stock, stock_of_sku
from tradeflow_inventory.domain.stock import Warehouse
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import problem_docs

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/inventory", tags=["inventory"])
staff_only = require_roles(Role.STAFF)
staff_or_system = require_roles(Role.STAFF, Role.SYSTEM)


@router.put("/warehouses/{code}", summary="Create or change a warehouse", responses=problem_docs(401, 403, 422))
async def put_warehouse(code: str, body: WarehouseIn, who: Principal = Depends(staff_only),
                        api: InventoryApi = Depends(inventory_api)) -> WarehouseOut:
    async with api.transactions.begin() as tx:
        warehouse = await define_warehouse(tx, Warehouse(code, body.region, body.priority))
    log.info("inventory.warehouse_defined", warehouse=code, actor=who.sub)
    return WarehouseOut.of(warehouse)


@router.put("/stock/{sku}/{warehouse}", summary="Set the on-hand count (and incoming stock) of a SKU in a warehouse",
            responses=problem_docs(401, 403, 404, 409, 422))
async def put_stock(sku: str, warehouse: str, body: StockIn, who: Principal = Depends(staff_only),
                    api: InventoryApi = Depends(inventory_api)) -> StockRowOut:
    """409 stock-below-reserved under what orders reserved on hand, 409 incoming-below-reserved
    under what pre-sale orders reserved of the incoming units."""
    async with api.transactions.begin() as tx:
        row = await set_stock(tx, sku, warehouse, body.figures())
    log.info("inventory.stock_set", sku=sku, warehouse=warehouse, on_hand=row.on_hand, incoming=row.incoming,
             actor=who.sub)
    return StockRowOut.of(row)


@router.get("/stock/{sku}", summary="A SKU's stock per warehouse and in total",
            dependencies=[Depends(staff_or_system)], responses=problem_docs(401, 403))
async def get_stock(sku: str, api: InventoryApi = Depends(inventory_api)) -> SkuStockOut:
    async with api.transactions.read() as tx:
        return SkuStockOut.of(await stock_of_sku(tx, sku))
