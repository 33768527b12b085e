"""After-sales contracts (DOMAIN §5, issue 12): the reverse saga, orchestrated by the after-sales
service, and what it needs to know of orders.

The after-sales service keeps its own copy of each order's after-sales facts from `OrderChanged`
(order.events), and its cases ask the participants, each answering on its events topic with the
case id:

* the **order** — money and units stay the order's to account for, line by line:
  `CancelLines` (before shipment: stop units through fulfillment's cancellation, refund what was
  stopped, release its stock; answered `LinesCancelled`, then `LinesRefunded` for the refund the
  stop made) and `RefundLines` (exactly these shares and points back; answered `LinesRefunded` or
  `LinesRefundFailed`);
* **fulfillment** — `ExpectReturn` (the warehouse awaits the buyer's parcel; answered
  `ReturnReceived`, then `ReturnInspected`; units inspected ok are restocked by fulfillment;
  `CancelExpectedReturn` when the case stops waiting),
  `ShipReplacement` (an exchange's replacement, shipped as a shipment of the case: its
  shipment events name `case_id`), `RevokeEntitlement` (virtual goods; answered
  `EntitlementRevoked` with `case_id`, or `EntitlementNotRevoked`);
* **inventory** — an exchange's replacement is reserved with `ReserveStock` / released with
  `ReleaseStock` whose `sub_order_id` is the case id.

After-sales also keeps the price book's SKUs from `CatalogSkuChanged` (order.events): an exchange's
replacement must be a SKU of the same merchant at the line's unit price. Both facts the order
publishes (`OrderChanged`, `CatalogSkuChanged`) are in `order_facts.py`.

Every move of a case is announced as `CaseStatusChanged` (after-sales.events), keyed by the order:
the order shows `after_sales_in_progress` while one of its cases is open; channels follow them.
"""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from tradeflow_contracts.orders import Receiver, WarehouseQuantity
from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import commands_topic, events_topic

EVENTS = events_topic("after-sales")
ORDER_COMMANDS, ORDER_EVENTS = commands_topic("order"), events_topic("order")
FULFILLMENT_COMMANDS, FULFILLMENT_EVENTS = commands_topic("fulfillment"), events_topic("fulfillment")


# -- the order: units and money ----------------------------------------------------------------
class CaseUnits(BaseModel):
    line_id: str
    quantity: int = Field(gt=0)
    amount: int | None = Field(ge=0, default=None)
    """CancelLines: what the case refunds for these units (its rule: goods and shipping shares);
    the order refunds exactly that for them once stopped (fewer stopped: their share of it, floored
    cumulatively), so the case and the order agree to the cent. None: the order's own share."""
    points_amount: int | None = Field(ge=0, default=None)
    """CancelLines: the points the case gives back for these units (as `amount`)."""


class LineMoney(BaseModel):
    line_id: str
    amount: int = Field(ge=0)
    points_amount: int = Field(ge=0, default=0)


@contract
class CancelLines(Contract):
    """A refund-only case before shipment: stop these units (the order's cancellation after
    payment, for just these units), refund what is stopped and release its stock."""

    TYPE, VERSION, TOPIC = "order.cancel-lines", 1, ORDER_COMMANDS
    order_id: str
    case_id: str
    lines: list[CaseUnits] = Field(min_length=1)
    reason: str
    requested_by: str


class StoppedLine(BaseModel):
    line_id: str
    quantity: int = Field(gt=0)
    amount: int = Field(ge=0)
    """What the order refunds for these units (its refund is `refund_id`)."""


class GoingOnLine(BaseModel):
    line_id: str
    quantity: int = Field(gt=0)
    problem: str  # as fulfillment's GoingOnUnits.problem
    detail: str = ""
    warehouse: str | None = None
    """The warehouse of the shipment carrying these units (where a return goes); None if unknown."""


@contract
class LinesCancelled(Contract):
    """The answer to CancelLines. `refused` (with `reason`): the order could not try now (its own
    cancellation is under way, or the order is no longer before shipment) — nothing was stopped.
    Otherwise `stopped` units are refunded by the order (refund `refund_id`, answered later with
    LinesRefunded) and `going_on` units reach the buyer (the case becomes a return)."""

    TYPE, VERSION, TOPIC = "order.lines-cancelled", 1, ORDER_EVENTS
    order_id: str
    case_id: str
    outcome: Literal["decided", "refused"]
    reason: str = ""
    stopped: list[StoppedLine] = Field(default_factory=list)
    going_on: list[GoingOnLine] = Field(default_factory=list)
    refund_id: str | None = None
    decided_at: datetime


@contract
class RefundLines(Contract):
    """Refund exactly these shares along the original route and give back these points. Each share
    must be within what the line paid and has not got back; asking the same `refund_id` again
    changes nothing (answered again). Zero money (points only, or a channel order) is answered at
    once."""

    TYPE, VERSION, TOPIC = "order.refund-lines", 1, ORDER_COMMANDS
    order_id: str
    case_id: str
    refund_id: str
    lines: list[LineMoney] = Field(min_length=1)
    reason: str


@contract
class LinesRefunded(Contract):
    """The money is back with the buyer (`amount`, by line) and so are the points."""

    TYPE, VERSION, TOPIC = "order.lines-refunded", 1, ORDER_EVENTS
    order_id: str
    case_id: str
    refund_id: str
    amount: int = Field(ge=0)
    points_amount: int = Field(ge=0, default=0)
    lines: list[LineMoney]
    refunded_at: datetime


@contract
class LinesRefundFailed(Contract):
    """The refund was not made. `retryable`: the payment service failed it (ask again later, with a
    new refund id); not retryable: the order refused it (a share beyond what the line has left)."""

    TYPE, VERSION, TOPIC = "order.lines-refund-failed", 1, ORDER_EVENTS
    order_id: str
    case_id: str
    refund_id: str
    reason: str
    retryable: bool
    failed_at: datetime


# -- fulfillment: the return parcel, the replacement, entitlements ----------------------------
class ReturnLine(BaseModel):
    line_id: str
    sku: str
    quantity: int = Field(gt=0)


@contract
class ExpectReturn(Contract):
    """The buyer sends these units back to `warehouse`: the warehouse is told to expect the case's
    parcel (sent again with the waybill once the buyer reports it; a repeat changes nothing).
    Answered ReturnReceived, then ReturnInspected."""

    TYPE, VERSION, TOPIC = "fulfillment.expect-return", 1, FULFILLMENT_COMMANDS
    case_id: str
    order_id: str
    warehouse: str
    lines: list[ReturnLine] = Field(min_length=1)
    carrier: str | None = None
    waybill: str | None = None


@contract
class ReturnReceived(Contract):
    TYPE, VERSION, TOPIC = "fulfillment.return-received", 1, FULFILLMENT_EVENTS
    case_id: str
    order_id: str
    warehouse: str
    received_at: datetime


@contract
class ReturnInspected(Contract):
    """The warehouse inspected the case's parcel. `ok`: the units are restocked (fulfillment asks
    inventory, once); failed: they wait for staff's decision (`note` says why)."""

    TYPE, VERSION, TOPIC = "fulfillment.return-inspected", 1, FULFILLMENT_EVENTS
    case_id: str
    order_id: str
    warehouse: str
    outcome: Literal["ok", "failed"]
    note: str = ""
    lines: list[ReturnLine]
    inspected_at: datetime


@contract
class ShipReplacement(Contract):
    """Ship an exchange's replacement: a shipment of the case (`case_id` on its shipment events),
    from the warehouses its reservation (sub-order id = the case id) holds the units in."""

    TYPE, VERSION, TOPIC = "fulfillment.ship-replacement", 1, FULFILLMENT_COMMANDS
    case_id: str
    order_id: str
    buyer_id: str
    merchant_id: str
    receiver: Receiver
    lines: list[ReturnLine] = Field(min_length=1)
    warehouses: list[WarehouseQuantity] = Field(min_length=1)


@contract
class CancelExpectedReturn(Contract):
    """The case no longer waits for its parcel (cancelled by the buyer, expired, or rejected after a
    failed inspection): the warehouse stops expecting it. `send_back`: a parcel the warehouse
    received goes back to the buyer (rejected after inspection); otherwise one that arrives anyway
    is held for staff. A repeat changes nothing."""

    TYPE, VERSION, TOPIC = "fulfillment.cancel-expected-return", 1, FULFILLMENT_COMMANDS
    case_id: str
    order_id: str
    reason: str
    send_back: bool = False


@contract
class RevokeEntitlement(Contract):
    """A refunded virtual good: revoke the line's entitlement (answered EntitlementRevoked with the
    case id; a repeat answers again)."""

    TYPE, VERSION, TOPIC = "fulfillment.revoke-entitlement", 1, FULFILLMENT_COMMANDS
    case_id: str
    order_id: str
    line_id: str
    reason: str


@contract
class EntitlementNotRevoked(Contract):
    """The line has no entitlement to revoke (`reason` says why: never granted, not fulfilled here)."""

    TYPE, VERSION, TOPIC = "fulfillment.entitlement-not-revoked", 1, FULFILLMENT_EVENTS
    case_id: str
    order_id: str
    line_id: str
    reason: str
    at: datetime


# -- the case ----------------------------------------------------------------------------------
@contract
class CaseStatusChanged(Contract):
    """A case moved (opened, approved, … completed). `open`: it is not done yet."""

    TYPE, VERSION, TOPIC = "after-sales.case-status-changed", 1, EVENTS
    case_id: str
    order_id: str
    type: str  # refund_only | return_and_refund | exchange
    from_status: str | None
    to_status: str
    open: bool
    refund_amount: int = Field(ge=0)
    refunded_amount: int | None = None
    lines: list[CaseUnits]
    at: datetime
    reason: str | None = None
    """Why it moved, when a reason was given (a refusal's, staff's)."""
