"""Inventory contracts: the order saga asks to reserve and release stock; inventory answers.

Pre-sale (DOMAIN §3): a pre-sale sub-order reserves against incoming stock (units expected from a
supplier); its allocations say `incoming` until the goods are received, and PreSaleStockArrived
tells when every line of it is backed by on-hand stock."""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import commands_topic, events_topic

COMMANDS, EVENTS = commands_topic("inventory"), events_topic("inventory")


class LineToReserve(BaseModel):
    line_id: str
    sku: str
    quantity: int = Field(gt=0)


class Allocation(BaseModel):
    line_id: str
    sku: str
    warehouse: str
    quantity: int = Field(gt=0)
    incoming: bool = False
    """True while (some of) the units are reserved against incoming stock, not yet on hand."""


class Shortage(BaseModel):
    sku: str
    requested: int
    available: int


@contract
class ReserveStock(Contract):
    """Reserve every line of one sub-order, all or nothing (DOMAIN §3 预占)."""

    TYPE, VERSION, TOPIC = "inventory.reserve-stock", 1, COMMANDS
    order_id: str
    sub_order_id: str
    region: str
    allow_split: bool = False
    lines: list[LineToReserve] = Field(min_length=1)
    pre_sale: bool = False
    """Reserve against incoming stock (never on-hand); the units wait for the goods to arrive."""


class UnitsToRelease(BaseModel):
    line_id: str
    warehouse: str
    quantity: int = Field(gt=0)


@contract
class ReleaseStock(Contract):
    """Release what is reserved for the sub-order and not shipped (nothing reserved is fine) — or,
    with `units`, only those units of its lines' reservations (a cancellation that stopped some
    parcels of the sub-order while others go on)."""

    TYPE, VERSION, TOPIC = "inventory.release-stock", 1, COMMANDS
    order_id: str
    sub_order_id: str
    reason: str
    units: list[UnitsToRelease] = Field(default_factory=list)


@contract
class StockReserved(Contract):
    TYPE, VERSION, TOPIC = "inventory.stock-reserved", 1, EVENTS
    order_id: str
    sub_order_id: str
    allocations: list[Allocation]
    reserved_at: datetime


@contract
class StockReservationRejected(Contract):
    TYPE, VERSION, TOPIC = "inventory.stock-reservation-rejected", 1, EVENTS
    order_id: str
    sub_order_id: str
    reason: str
    shortages: list[Shortage] = Field(default_factory=list)


@contract
class StockReleased(Contract):
    TYPE, VERSION, TOPIC = "inventory.stock-released", 1, EVENTS
    order_id: str
    sub_order_id: str
    released_quantity: int


@contract
class PreSaleStockArrived(Contract):
    """Every line of a pre-sale sub-order is now backed by on-hand stock (its goods were received)."""

    TYPE, VERSION, TOPIC = "inventory.pre-sale-stock-arrived", 1, EVENTS
    order_id: str
    sub_order_id: str
    allocations: list[Allocation]
    arrived_at: datetime


class ShipmentUnits(BaseModel):
    """Units of one order line that one shipment carries out of (or back into) one warehouse."""

    order_id: str
    sub_order_id: str
    line_id: str
    sku: str
    warehouse: str
    quantity: int = Field(gt=0)


@contract
class DeductStock(Contract):
    """A shipment left its warehouse (DOMAIN §3 出库扣减): deduct exactly these units from on-hand
    stock and from what their sub-orders reserved. Idempotent per shipment (`shipment_id`)."""

    TYPE, VERSION, TOPIC = "inventory.deduct-stock", 1, COMMANDS
    shipment_id: str
    lines: list[ShipmentUnits] = Field(min_length=1)


@contract
class StockDeducted(Contract):
    TYPE, VERSION, TOPIC = "inventory.stock-deducted", 1, EVENTS
    shipment_id: str
    lines: list[ShipmentUnits]
    deducted_at: datetime


@contract
class RestockReturned(Contract):
    """A returned parcel was received back at its warehouse (退货入库): these units are on hand
    again. Idempotent per (`shipment_id`, `return_id`)."""

    TYPE, VERSION, TOPIC = "inventory.restock-returned", 1, COMMANDS
    shipment_id: str
    return_id: str
    reason: str
    lines: list[ShipmentUnits] = Field(min_length=1)


@contract
class StockRestocked(Contract):
    TYPE, VERSION, TOPIC = "inventory.stock-restocked", 1, EVENTS
    shipment_id: str
    return_id: str
    lines: list[ShipmentUnits]
    restocked_at: datetime
