"""The inventory's one error map: its refusals as problem+json (RFC 9457; each error class carries
its `type` slug), installed on the app by bootstrap. Most specific first."""

from tradeflow_inventory.domain.errors import (
    IncomingBelowReserved,
    InvalidQuantity,
    InventoryError,
    StockBelowReserved,
    UnknownWarehouse,
)
from tradeflow_kit.problems import ErrorMap, Refusal

PROBLEMS = ErrorMap(
    Refusal(StockBelowReserved, 409, "On-hand below reserved"),
    Refusal(IncomingBelowReserved, 409, "Incoming below reserved"),
    Refusal(UnknownWarehouse, 404, "Warehouse not found"),
    Refusal(InvalidQuantity, 422, "Invalid quantity"),
    Refusal(InventoryError, 409, "Inventory rule violated"),
)
