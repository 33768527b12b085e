"""What the order service tells readers that keep their own copy of its facts (event-carried
state, issue 12): each order's after-sales facts (`OrderChanged`, whole and versioned) and the
price book's SKUs (`CatalogSkuChanged`). After-sales builds its order snapshots and checks an
exchange's replacement price from them; channels will read the price book the same way."""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_contracts.orders import EVENTS as ORDER_EVENTS
from tradeflow_contracts.orders import Receiver, WarehouseQuantity
from tradeflow_contracts.registry import Contract, contract


class OrderLineFacts(BaseModel):
    line_id: str
    sub_order_id: str
    merchant_id: str
    sku: str
    kind: str  # physical | virtual
    title: str | None = None
    quantity: int = Field(gt=0)
    unit_price_amount: int = Field(ge=0)
    paid_amount: int = Field(ge=0)
    """The line's allocated paid amount (after coupons, promotions, points), shipping share included."""
    shipping_amount: int = Field(ge=0, default=0)
    """The line's allocated shipping share (inside paid_amount)."""
    points_amount: int = Field(ge=0, default=0)
    """The points spent on the line (a discount: not in paid_amount)."""
    cancelled_quantity: int = Field(ge=0, default=0)
    """Units the order's cancellation stopped (refunded by the order)."""
    cancelled_amount: int = Field(ge=0, default=0)
    """What the order refunded for those units."""
    refunded_amount: int = Field(ge=0, default=0)
    """Every refund attributed to the line so far, cancellations and after-sales cases included."""
    warehouses: list[WarehouseQuantity] = Field(default_factory=list)
    entitlement_id: str | None = None
    fragile: bool = False
    weight_grams: int = 0
    volume_cm3: int = 0
    oversize: bool = False
    channel_unit_price_amount: int | None = None
    """A channel order's line: its unit price on the channel (None for the platform's own orders)."""
    channel_paid_amount: int | None = None
    """A channel order's line: what the buyer paid the channel for it (the cap of a channel refund)."""


class ShipmentLineFacts(BaseModel):
    line_id: str
    quantity: int = Field(gt=0)


class ShipmentFacts(BaseModel):
    """The order's part of a shipment, as the order tracks it (its status words: planned, …,
    shipped, in_transit, out_for_delivery, signed, …)."""

    shipment_id: str
    warehouse: str
    carrier: str
    status: str
    waybill: str | None = None
    lines: list[ShipmentLineFacts]


@contract
class OrderChanged(Contract):
    """The order's after-sales facts, whole, after every change of its status, of its cancelled
    units or of its refunds. `version` increases with every change: a reader keeps the highest.

    Told from payment on; a channel order's (type `channel`) from its placement on, and also when
    only its shipments change (a channel is told of every waybill and delivery)."""

    TYPE, VERSION, TOPIC = "order.changed", 1, ORDER_EVENTS
    order_id: str
    version: int = Field(ge=0)
    buyer_id: str
    type: str  # normal | pre_sale | virtual | channel
    channel: str
    currency: str
    status: str  # pending_payment | awaiting_shipment | partially_shipped | shipped | completed | cancelled | closed
    receiver: Receiver
    lines: list[OrderLineFacts]
    paid_at: datetime | None = None
    signed_at: datetime | None = None
    """When the last parcel was signed for (None while one is not, or for virtual goods)."""
    completed_at: datetime | None = None
    changed_at: datetime
    external_order_id: str | None = None
    """A channel order's id on its channel (None for the platform's own orders)."""
    external_status: str | None = None
    shipments: list[ShipmentFacts] = Field(default_factory=list)
    """The order's shipments (a case's replacement shipments are not the order's)."""


@contract
class CatalogSkuChanged(Contract):
    """A SKU of the price book as it is now (created, repriced, changed), keyed by the SKU; `version`
    increases with every change: a reader keeps the highest."""

    TYPE, VERSION, TOPIC = "order.catalog-sku-changed", 1, ORDER_EVENTS
    sku: str
    version: int = Field(ge=1)
    merchant_id: str
    title: str
    kind: str  # physical | virtual
    unit_price_amount: int = Field(ge=0)
    currency: str
    changed_at: datetime
