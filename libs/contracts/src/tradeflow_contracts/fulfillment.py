"""Fulfillment contracts: what the fulfillment service tells the rest of the platform about
shipments and entitlements (DOMAIN §4). The order service builds its tracking read model from
them (`GET /orders/{id}` → `shipments`); after-sales and channels follow entitlements.

Every message is keyed by the order it is about. A merged shipment holds several orders: what
happens to it is announced once per order (`order_id`, the key), each naming all of them
(`order_ids`). Statuses and events are the shipment's (`pending_review`, `ready`, `dispatched`,
… `signed`, `intercepting`, `intercepted`, `intercept_failed`, `returning`, `returned`,
`cancelled`).

Cancellation after payment (DOMAIN §4 订单取消): the order asks `StopFulfillment`; fulfillment
decides shipment by shipment by its stage — cancelled before dispatch, intercepted at the
warehouse (dispatched, not shipped) or by the carrier (shipped, not signed; the parcel comes back),
refused once signed or when an interception fails or is not answered by its deadline — and answers
once with `FulfillmentStopped`: which units were stopped, and which go on and why."""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_contracts.orders import Receiver
from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import commands_topic, events_topic

COMMANDS, EVENTS = commands_topic("fulfillment"), events_topic("fulfillment")


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
    case_id: str | None = None
    """An after-sales case's replacement shipment (an exchange): not the order's own goods."""


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
    case_id: str | None = None
    """An after-sales case's replacement shipment (an exchange): not the order's own goods."""


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
    case_id: str | None = None
    """The after-sales case that asked (RevokeEntitlement); None when staff revoked it."""


class OrderLineRef(BaseModel):
    """A line of the order to stop, so fulfillment can answer for lines it never planned."""

    line_id: str
    sub_order_id: str
    sku: str
    quantity: int = Field(gt=0)
    """The units of the line to be stopped in all, counting those stopped before (cumulative, like
    FulfillmentStopped): the order's own cancellation names the line's whole quantity; an
    after-sales case before shipment (order.cancel-lines) the units stopped before plus its own."""
    kind: str  # physical | virtual


@contract
class StopFulfillment(Contract):
    """Stop whatever can still be stopped of the paid order's goods (the buyer or staff cancel it).
    An order fulfillment has not planned yet is planned as nothing: a later `order.paid` ships
    nothing. Answered once, with FulfillmentStopped, when every shipment is decided."""

    TYPE, VERSION, TOPIC = "fulfillment.stop-fulfillment", 1, COMMANDS
    order_id: str
    reason: str
    requested_by: str
    requested_at: datetime
    lines: list[OrderLineRef] = Field(min_length=1)


class StoppedUnits(BaseModel):
    """Units that will not reach the buyer: refund them."""

    line_id: str
    sub_order_id: str
    quantity: int = Field(gt=0)
    shipment_id: str | None = None
    """None: never put in a shipment (not planned yet, or virtual goods)."""
    warehouse: str | None = None
    """Where their stock is held; None for virtual goods and lines never planned."""
    returning: bool = False
    """Shipped, stopped by the carrier: the parcel comes back and its units are restocked when the
    warehouse receives it (its stock was deducted, there is nothing to release)."""
    entitlement_id: str | None = None
    """Virtual goods: the entitlement revoked."""


class GoingOnUnits(BaseModel):
    """Units that could not be stopped and still go to the buyer: after-sales is the way."""

    line_id: str
    sub_order_id: str
    quantity: int = Field(gt=0)
    shipment_id: str | None = None
    """None: in no shipment of ours (`not-fulfilled-here`)."""
    problem: str
    """`not-cancellable-signed`, `intercept-failed`, `intercept-timeout`, `merged-parcel-shipped`,
    `not-fulfilled-here` (an order paid before fulfillment's start point, FULFILLMENT_PLAN_PAID_SINCE:
    its goods were never planned here), or — when only some units of a line are to be stopped —
    `partial-parcel-on-its-way` (part of a parcel already shipped or being stopped) and
    `partial-entitlement` (an entitlement is revoked whole or not at all)."""
    detail: str


@contract
class FulfillmentStopped(Contract):
    """The answer to StopFulfillment: every line's units of the order, stopped or going on.

    Cumulative: `stopped` lists every unit of the order stopped so far, by this request and any
    before it (an order may be asked to cancel again after a refused or partial answer), so a
    repeat or a later answer never counts a unit twice — the order treats only the units beyond
    what it recorded as cancelled (per line) as newly stopped, and refunds those."""

    TYPE, VERSION, TOPIC = "fulfillment.fulfillment-stopped", 1, EVENTS
    order_id: str
    reason: str
    stopped: list[StoppedUnits]
    going_on: list[GoingOnUnits]
    decided_at: datetime


@contract
class ChangeReceiver(Contract):
    """Send the order's goods not yet on their way to another receiver (a channel's address change,
    approved by staff). Each of the order's shipments is re-reviewed (反审核) as staff would: one not
    dispatched changes at once, one dispatched and not shipped is intercepted at the warehouse first
    and sent again with a new waybill, one on its way is refused. An order fulfillment has not
    planned yet waits for its plan. Answered once, with ReceiverChangeSettled, when every shipment
    is decided. A repeat of the same `change_id` is answered the same."""

    TYPE, VERSION, TOPIC = "fulfillment.change-receiver", 1, COMMANDS
    change_id: str
    order_id: str
    receiver: Receiver
    reason: str
    requested_by: str
    requested_at: datetime


class ReceiverOutcome(BaseModel):
    shipment_id: str
    changed: bool
    detail: str
    """What happened: `changed`, `changed after interception`, or why not (`on its way`,
    `intercept-failed`, `intercept-timeout`, …)."""


@contract
class ReceiverChangeSettled(Contract):
    """The answer to ChangeReceiver: each of the order's shipments, changed or not. `changed`:
    every one of them now goes to the new receiver (False when any could not, or the order has
    nothing to send: `outcomes` empty)."""

    TYPE, VERSION, TOPIC = "fulfillment.receiver-change-settled", 1, EVENTS
    change_id: str
    order_id: str
    receiver: Receiver
    changed: bool
    outcomes: list[ReceiverOutcome]
    settled_at: datetime
