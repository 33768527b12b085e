"""Request and response bodies of the inventory's HTTP API (API.md "Inventory"); requests are
made of the kit's strict types (counts fit an INTEGER column, no control characters, no unknown fields)."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from tradeflow_inventory.app.manage_stock import KEEP, SkuStock, StockFigures
from tradeflow_inventory.app.receive_stock import GoodsReceived
from tradeflow_inventory.domain.reservation import Reservation
from tradeflow_inventory.domain.shipment import Movement
from tradeflow_inventory.domain.stock import Stock, Warehouse
from tradeflow_kit.fields import Count, Quantity, RequestModel, text


def _rfc3339_text(value: object) -> object:
    if not isinstance(value, str):  # not a number of seconds, which pydantic would read as a time
        raise PydanticCustomError("datetime_type", "must be an RFC 3339 date-time with its offset")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(lambda at: at.astimezone(UTC))]
"""A time sent as RFC 3339 text with its offset, kept in UTC."""


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


class StockIn(RequestModel):
    on_hand: Count = Field(description="Units physically in the warehouse (a stock count)")
    incoming: Count = Field(None, description="Units expected from a supplier; only pre-sale orders reserve "
                                              "them. Left as it is when not sent")
    incoming_eta: Moment | None = Field(None, description="When the incoming units are expected (RFC 3339); "
                                                          "null clears it, not sent leaves it as it is")

    def figures(self) -> StockFigures:
        return StockFigures(self.on_hand, KEEP if self.incoming is None else self.incoming,
                            self.incoming_eta if "incoming_eta" in self.model_fields_set else KEEP)


class ReceiptIn(RequestModel):
    quantity: Quantity = Field(description="Units received; those beyond `incoming` are plain on-hand stock")
    reference: text(200) = Field(description="The delivery's reference, e.g. the purchase order or delivery note")


class WarehouseStockOut(BaseModel):
    warehouse: str
    on_hand: int
    reserved: int
    available: int
    incoming: int
    reserved_incoming: int = Field(description="Incoming units pre-sale orders reserved")
    available_incoming: int = Field(description="Incoming units still open to pre-sale orders")
    incoming_eta: datetime | None

    @classmethod
    def of(cls, row: Stock) -> "WarehouseStockOut":
        return cls(warehouse=row.warehouse, on_hand=row.on_hand, reserved=row.reserved, available=row.available,
                   incoming=row.incoming, reserved_incoming=row.reserved_incoming,
                   available_incoming=row.available_incoming, incoming_eta=row.incoming_eta)


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
    incoming: int
    reserved_incoming: int
    available_incoming: int

    @classmethod
    def of(cls, stock: SkuStock) -> "SkuStockOut":
        return cls(sku=stock.sku, warehouses=[WarehouseStockOut.of(row) for row in stock.rows],
                   on_hand=stock.on_hand, reserved=stock.reserved, available=stock.available,
                   incoming=stock.incoming, reserved_incoming=stock.reserved_incoming,
                   available_incoming=stock.available_incoming)


class SubOrderOut(BaseModel):
    order_id: str
    sub_order_id: str


class ReceiptOut(BaseModel):
    sku: str
    warehouse: str
    quantity: int
    reference: str
    from_incoming: int = Field(description="Units received that were expected (they left `incoming`)")
    converted: int = Field(description="Units of pre-sale reservations now reserved on hand")
    arrived: list[SubOrderOut] = Field(description="Pre-sale sub-orders now wholly backed by on-hand stock")
    stock: StockRowOut

    @classmethod
    def of(cls, done: GoodsReceived, reference: str) -> "ReceiptOut":
        return cls(sku=done.stock.sku, warehouse=done.stock.warehouse, quantity=done.receipt.quantity,
                   reference=reference, from_incoming=done.receipt.received.from_incoming,
                   converted=done.receipt.received.converted,
                   arrived=[SubOrderOut(order_id=s.order_id, sub_order_id=s.sub_order_id) for s in done.arrived],
                   stock=StockRowOut.of(done.stock))


class ReservationOut(BaseModel):
    order_id: str
    sub_order_id: str
    line_id: str
    sku: str
    warehouse: str
    quantity: int
    state: str = Field(description="active (it still holds units), released (given back when its sub-order was "
                                   "cancelled, or all its units released with none shipped), or fulfilled (every "
                                   "unit shipped or released, some shipped)")
    pre_sale: bool = Field(description="Reserved against incoming stock")
    incoming: int = Field(description="Units still waiting for incoming stock to arrive (none once it ended)")
    shipped: int = Field(description="Units that left the warehouse with shipments (no longer reserved)")
    released: int = Field(description="Units given back to stock (no longer reserved): by the sub-order's "
                                      "cancellation, or named units of stopped parcels")
    returned: int = Field(description="Shipped units that came back on hand with returns (not reserved again)")
    reserved_at: datetime
    released_at: datetime | None = Field(description="When it was released; null while active or once fulfilled")

    @classmethod
    def of(cls, r: Reservation) -> "ReservationOut":
        a = r.allocation
        return cls(order_id=r.sub_order.order_id, sub_order_id=r.sub_order.sub_order_id, line_id=a.line_id,
                   sku=a.sku, warehouse=a.warehouse, quantity=a.quantity, state=r.state.value,
                   pre_sale=r.pre_sale, incoming=r.incoming, shipped=r.shipped, released=r.released,
                   returned=r.returned, reserved_at=r.reserved_at, released_at=r.released_at)


class ReservationPage(BaseModel):
    items: list[ReservationOut]
    next_cursor: str | None = Field(None, description="Always null: an order's reservations fit on one page")


class MovementOut(BaseModel):
    id: int
    kind: str = Field(description="deducted (left with a shipment) or restocked (back on hand with a return)")
    shipment_id: str
    return_id: str | None = Field(description="The return that brought the units back; null for a deduction")
    reason: str | None = Field(description="Why they came back; null for a deduction")
    order_id: str
    sub_order_id: str
    line_id: str
    sku: str
    warehouse: str
    quantity: int = Field(description="Units out of (deducted) or into (restocked) on-hand stock")
    at: datetime

    @classmethod
    def of(cls, m: Movement) -> "MovementOut":
        u = m.line
        return cls(id=m.id, kind=m.kind.value, shipment_id=m.shipment_id, return_id=m.return_id, reason=m.reason,
                   order_id=u.order_id, sub_order_id=u.sub_order_id, line_id=u.line_id, sku=u.sku,
                   warehouse=u.warehouse, quantity=u.quantity, at=m.at)


class MovementPage(BaseModel):
    items: list[MovementOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last one")
