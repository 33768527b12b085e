"""Request and response bodies of the inventory's HTTP API (API.md "Inventory"); requests are
made of the kit's strict types (counts fit an INTEGER column, no control characters, no unknown fields)."""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_inventory.app.manage_stock import SkuStock
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.stock import Stock, Warehouse
from tradeflow_kit.fields import Count, RequestModel, text


class WarehouseIn(RequestModel):
    region: text(64) = Field(description="Region the warehouse ships from; same-region orders prefer it")
    priority: Count = Field(description="Lower number = preferred")


class WarehouseOut(BaseModel):
    code: str
    region: str
    priority: int

    @classmethod
    def of(cls, warehouse: Warehouse) -> "WarehouseOut":
        return cls(code=warehouse.code, region=warehouse.region, priority=warehouse.priority)


class OnHandIn(RequestModel):
    on_hand: Count = Field(description="Units physically in the warehouse (a stock count)")


class WarehouseStockOut(BaseModel):
    warehouse: str
    on_hand: int
    reserved: int
    available: int

    @classmethod
    def of(cls, row: Stock) -> "WarehouseStockOut":
        return cls(warehouse=row.warehouse, on_hand=row.on_hand, reserved=row.reserved, available=row.available)


class StockRowOut(WarehouseStockOut):
    sku: str

    @classmethod
    def of(cls, row: Stock) -> "StockRowOut":
        return cls(sku=row.sku, **WarehouseStockOut.of(row).model_dump())


class SkuStockOut(BaseModel):
    sku: str
    warehouses: list[WarehouseStockOut]
    on_hand: int
    reserved: int
    available: int

    @classmethod
    def of(cls, stock: SkuStock) -> "SkuStockOut":
        return cls(sku=stock.sku, warehouses=[WarehouseStockOut.of(row) for row in stock.rows],
                   on_hand=stock.on_hand, reserved=stock.reserved, available=stock.available)


class ReservationOut(BaseModel):
    order_id: str
    sub_order_id: str
    line_id: str
    sku: str
    warehouse: str
    quantity: int
    state: str = Field(description="active, released or deducted")
    reserved_at: datetime
    released_at: datetime | None

    @classmethod
    def of(cls, r: Reservation) -> "ReservationOut":
        a = r.allocation
        return cls(order_id=r.sub_order.order_id, sub_order_id=r.sub_order.sub_order_id, line_id=a.line_id,
                   sku=a.sku, warehouse=a.warehouse, quantity=a.quantity, state=r.state.value,
                   reserved_at=r.reserved_at, released_at=r.released_at)


class ReservationPage(BaseModel):
    items: list[ReservationOut]
    next_cursor: str | None = Field(None, description="Always null: an order's reservations fit on one page")
