"""Fulfillment contracts: what the fulfillment service tells the rest of the platform about
shipments and entitlements (DOMAIN §4). The order service builds its tracking read model from
them (`GET /orders/{id}` → `shipments`); after-sales and channels follow entitlements.

Every message is keyed by the order it is about. A merged shipment holds several orders: what
happens to it is announced once per order (`order_id`, the key), each naming all of them
(`order_ids`). Statuses and events are the shipment's (`pending_review`, `ready`, `dispatched`,
… `signed`, `intercepting`, `intercepted`, `intercept_failed`, `returning`, `returned`,
`cancelled`)."""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import events_topic

EVENTS = events_topic("fulfillment")


class ShipmentLine(BaseModel):
    line_id: str
    order_id: str
    sub_order_id: str
    sku: str
    quantity: int = Field(gt=0)


@contract
class ShipmentPlanned(Contract):
    """The order's lines (`lines`: only this order's) go in this shipment — a new one, or, when
    `merged`, one that waited in the merge window and now holds other orders of the buyer too."""

    TYPE, VERSION, TOPIC = "fulfillment.shipment-planned", 1, EVENTS
    shipment_id: str
    order_id: str
    order_ids: list[str]
    sub_order_ids: list[str]
    warehouse: str
    carrier: str
    status: str
    merged: bool = False
    lines: list[ShipmentLine]
    planned_at: datetime
    dispatch_after: datetime


@contract
class ShipmentStatusChanged(Contract):
    """The shipment moved from one status to another on `event` (reported by `source`: the
    warehouse, the carrier, staff, fulfillment itself)."""

    TYPE, VERSION, TOPIC = "fulfillment.shipment-status-changed", 1, EVENTS
    shipment_id: str
    order_id: str
    order_ids: list[str]
    sub_order_ids: list[str]
    from_status: str
    to_status: str
    event: str
    source: str
    at: datetime
    warehouse: str
    carrier: str
    waybill: str | None = None
    dispatch_number: str | None = None


@contract
class EntitlementGranted(Contract):
    """A virtual good of an order line is now the account's (the buyer's)."""

    TYPE, VERSION, TOPIC = "fulfillment.entitlement-granted", 1, EVENTS
    entitlement_id: str
    account: str
    sku: str
    quantity: int = Field(gt=0)
    order_id: str
    sub_order_id: str
    line_id: str
    granted_at: datetime


@contract
class EntitlementRevoked(Contract):
    TYPE, VERSION, TOPIC = "fulfillment.entitlement-revoked", 1, EVENTS
    entitlement_id: str
    account: str
    sku: str
    order_id: str
    line_id: str
    reason: str
    revoked_at: datetime
