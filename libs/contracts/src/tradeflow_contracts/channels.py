"""Channel contracts (DOMAIN §6, issue 13): orders that outside channels (marketplaces, an ERP,
offline partners) took and paid, fulfilled here.

The channel adapter turns a channel's order into the standard form — local SKUs, the platform
account, the channel's prices — and publishes `ChannelOrderReceived` (channel.events, keyed by its
own channel order id). The **order** service places it as a zero-amount order of type `channel`
that records the external order id and status and each line's channel price and paid amount; it
answers `ChannelOrderPlaced` (with its order and line ids) or `ChannelOrderRefused`. A repeat of
the same (channel, external order id) answers the first order again and places nothing.

Afterwards the adapter follows the order through `OrderChanged` (order_facts.py: a channel order's
facts are told from its placement on, shipments and waybills included) and syncs them back to the
channel. A channel's cancellation is `CancelChannelOrder` (the order's own cancellation, stage
aware), answered `OrderCancelled` or `ChannelOrderNotCancelled` (its goods left: the adapter then
refunds it as a case). A channel's refund opens an after-sales refund-only case with
`OpenChannelCase` (after-sales.commands): no money moves here, and what was fulfilled is revoked
or its parcel stopped, so the buyer never keeps both the money and the goods.
"""

from datetime import datetime

from pydantic import BaseModel, Field

from tradeflow_contracts.orders import Receiver
from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import commands_topic, events_topic

EVENTS = events_topic("channel")
ORDER_COMMANDS, ORDER_EVENTS = commands_topic("order"), events_topic("order")
AFTER_SALES_COMMANDS = commands_topic("after-sales")
CHANNEL_CASE_PREFIX = "as_ch_"
"""Cases the channel adapter opens have ids starting so (after-sales' `as_` ids), so it can follow
just its own `CaseStatusChanged` without a lookup."""


class ChannelOrderLine(BaseModel):
    external_line_id: str
    sku: str
    """The local SKU the channel's SKU is mapped to (never guessed)."""
    quantity: int = Field(gt=0)
    channel_unit_price_amount: int = Field(ge=0)
    """The unit price on the channel, in minor units of the order's currency."""
    channel_paid_amount: int = Field(ge=0)
    """What the buyer paid the channel for the line (the cap of a channel refund; GMV by channel)."""


@contract
class ChannelOrderReceived(Contract):
    """A channel's order, normalised, mapped, linked to its account and within the channel's
    limits: place it as a zero-amount order of type `channel`."""

    TYPE, VERSION, TOPIC = "channel.order-received", 1, EVENTS
    channel_order_id: str
    channel: str
    """The channel's code (the order's `channel`)."""
    external_order_id: str
    external_status: str
    """The channel's status word, mapped to the standard vocabulary (e.g. `paid`)."""
    buyer_id: str
    """The platform account the buyer's phone (or channel membership) is linked to."""
    currency: str
    receiver: Receiver | None = None
    """None for an order of virtual goods only."""
    delivery_method: str = "express"
    lines: list[ChannelOrderLine] = Field(min_length=1)
    paid_on_channel_at: datetime | None = None
    received_at: datetime


class PlacedLine(BaseModel):
    external_line_id: str
    line_id: str


@contract
class ChannelOrderPlaced(Contract):
    """The channel's order is the platform's order `order_id` (first placement, or a repeat)."""

    TYPE, VERSION, TOPIC = "order.channel-order-placed", 1, ORDER_EVENTS
    channel_order_id: str
    channel: str
    external_order_id: str
    order_id: str
    lines: list[PlacedLine]
    at: datetime


@contract
class ChannelOrderRefused(Contract):
    """The order cannot place the channel's order (`reason`, `field`: e.g. a SKU the catalog does
    not know); nothing was placed."""

    TYPE, VERSION, TOPIC = "order.channel-order-refused", 1, ORDER_EVENTS
    channel_order_id: str
    channel: str
    external_order_id: str
    reason: str
    field: str | None = None
    at: datetime


@contract
class CancelChannelOrder(Contract):
    """The channel cancelled its order: cancel it as the platform cancels its own (before payment,
    or after it while no goods left: fulfillment stopped, stock released). Answered `OrderCancelled`
    or `ChannelOrderNotCancelled`; a repeat answers again."""

    TYPE, VERSION, TOPIC = "order.cancel-channel-order", 1, ORDER_COMMANDS
    order_id: str
    channel: str
    external_order_id: str
    reason: str
    requested_by: str


@contract
class ChannelOrderNotCancelled(Contract):
    """The order could not be cancelled (`status`: its goods left, or it is done)."""

    TYPE, VERSION, TOPIC = "order.channel-order-not-cancelled", 1, ORDER_EVENTS
    order_id: str
    channel: str
    external_order_id: str
    status: str
    reason: str
    at: datetime


class ChannelCaseLine(BaseModel):
    line_id: str
    quantity: int = Field(gt=0)


@contract
class OpenChannelCase(Contract):
    """The channel refunded (some of) the order's lines: open a refund-only case `case_id` (it starts
    with `as_ch_`) that records the channel's refund, moves no money, and revokes the entitlements or
    stops the parcels (a parcel that left comes back as a return). A repeat of the id changes
    nothing; a case that cannot be opened is told as `CaseStatusChanged` to `refused`."""

    TYPE, VERSION, TOPIC = "after-sales.open-channel-case", 1, AFTER_SALES_COMMANDS
    case_id: str
    order_id: str
    channel: str
    external_refund_id: str
    lines: list[ChannelCaseLine] = Field(min_length=1)
    channel_refund_amount: int = Field(ge=0)
    reason: str
    requested_by: str
    at: datetime
    facts_version: int | None = None
    """The `OrderChanged` version the adapter decided on (the order paid): after-sales opens the
    case on facts at least this new, waiting (retried) until it has them."""
