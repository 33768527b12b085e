"""The fulfillment service's tables (SQLAlchemy Core metadata, the source of its migrations).

A shipment's lines are its units of order lines (a merged shipment holds several orders' lines;
a line split over parcels appears in several shipments); its events are its append-only history.
A dispatch under way is kept on the shipment (`dispatch_attempt`, leased until
`dispatch_retry_at`). `planned_orders` makes planning once per order hold whatever message asks
for it; `provider_callbacks` makes each warehouse or carrier event act once. An interception under
way is kept on the shipment (`interception`, acted on at `interception_due_at`); `order_stops`
holds each order's cancellation after payment, decided part by part; `receiver_changes` each
channel's address change (ChangeReceiver), decided shipment by shipment. A shipment waiting for a
pre-sale's goods names the sub-orders it waits for (`awaiting_stock`); `pre_sale_arrivals` keeps the
sub-orders whose goods arrived, also before their order is planned. `planned_orders.outcome` says
whether the order was planned or skipped (paid before the start point, FULFILLMENT_PLAN_PAID_SINCE).
After-sales: a replacement shipment names its case (`case_id`); `case_returns` are the return
parcels cases expect, `case_revocations` the lines whose entitlement a case revoked.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from tradeflow_fulfillment.domain.entitlement import EntitlementStatus
from tradeflow_fulfillment.domain.returns import ReturnStatus
from tradeflow_fulfillment.domain.transitions import ShipmentStatus
from tradeflow_kit.idempotency import idempotency_table
from tradeflow_kit.messaging.schema import messaging_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)
idempotency_keys = idempotency_table(metadata)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


planned_orders = Table(
    "planned_orders", metadata,
    Column("order_id", Text, nullable=False),
    Column("planned_at", DateTime(timezone=True), nullable=False),  # when it was planned (or skipped)
    Column("outcome", Text, nullable=False, server_default=text("'planned'")),
    Column("paid_at", DateTime(timezone=True)),  # skipped: when the order was paid (order.paid's occurred_at)
    PrimaryKeyConstraint("order_id", name="planned_orders_pkey"),
    CheckConstraint("outcome IN ('planned', 'skipped_before_start')", name="planned_orders_outcome_known"),
)

pre_sale_arrivals = Table(
    "pre_sale_arrivals", metadata,
    Column("sub_order_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("arrived_at", DateTime(timezone=True), nullable=False),  # as inventory says
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("sub_order_id", name="pre_sale_arrivals_pkey"),
)

order_stops = Table(
    "order_stops", metadata,
    Column("order_id", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("outcomes", JSONB, nullable=False),  # [{units: {...}, verdict: {stopped|going_on, …}}]
    Column("waiting", JSONB, nullable=False),  # {shipment id: [units]} still being decided
    Column("answered_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("order_id", name="order_stops_pkey"),
)

receiver_changes = Table(
    "receiver_changes", metadata,
    Column("change_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("receiver", JSONB, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("outcomes", JSONB, nullable=False),  # [{shipment_id, changed, detail}]
    Column("waiting", JSONB, nullable=False),  # [shipment id] whose interception is still to be answered
    Column("settled_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("change_id", name="receiver_changes_pkey"),
)
Index("receiver_changes_pending", receiver_changes.c.order_id, postgresql_where=text("settled_at IS NULL"))

shipments = Table(
    "shipments", metadata,
    Column("id", Text, nullable=False),
    Column("buyer_id", Text, nullable=False),
    Column("receiver", JSONB, nullable=False),
    Column("warehouse", Text, nullable=False),
    Column("carrier", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("progress", Text),
    Column("dispatch_number", Text),
    Column("dispatch_numbers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("waybill", Text),
    Column("flags", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("planned_at", DateTime(timezone=True), nullable=False),
    Column("dispatch_after", DateTime(timezone=True), nullable=False),
    Column("dispatch_attempt", JSONB),  # {number, tries, waybill, last_error}
    Column("dispatch_retry_at", DateTime(timezone=True)),  # the attempt's lease or backoff
    Column("skipped_dispatch_numbers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("interception", JSONB(none_as_null=True)),  # a stop under way: {orders, reason, deadline, by, sent, …}
    Column("interception_due_at", DateTime(timezone=True)),  # when the interceptor acts next
    Column("awaiting_stock", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # sub-order ids
    Column("case_id", Text),  # an after-sales case's replacement (an exchange)
    PrimaryKeyConstraint("id", name="shipments_pkey"),
    CheckConstraint(_one_of("status", ShipmentStatus), name="shipments_status_known"),
)
Index("shipments_waiting", shipments.c.buyer_id, shipments.c.dispatch_after, postgresql_where=text("status = 'ready'"))
Index("shipments_due", shipments.c.dispatch_after,
      postgresql_where=text("status = 'ready' AND awaiting_stock = '[]'::jsonb"))
Index("shipments_planned", shipments.c.planned_at, shipments.c.id)
Index("shipments_status_warehouse", shipments.c.status, shipments.c.warehouse, shipments.c.planned_at)
Index("shipments_dispatch_number", shipments.c.dispatch_number)
Index("shipments_intercepting", shipments.c.interception_due_at, postgresql_where=text("status = 'intercepting'"))
Index("shipments_redispatch", shipments.c.id, postgresql_where=text("status = 'intercepted'"))
Index("shipments_case", shipments.c.case_id, postgresql_where=text("case_id IS NOT NULL"))

shipment_lines = Table(
    "shipment_lines", metadata,
    Column("shipment_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("line_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("sub_order_id", Text, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("paid_amount", BigInteger, nullable=False),
    Column("weight_grams", Integer, nullable=False),
    Column("volume_cm3", Integer, nullable=False),
    Column("fragile", Boolean, nullable=False),
    Column("oversize", Boolean, nullable=False),
    PrimaryKeyConstraint("shipment_id", "line_id", name="shipment_lines_pkey"),
    ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name="shipment_lines_shipment_fkey", ondelete="CASCADE"),
    CheckConstraint("quantity > 0", name="shipment_lines_quantity_positive"),
)
Index("shipment_lines_order", shipment_lines.c.order_id)
Index("shipment_lines_merchant", shipment_lines.c.merchant_id)

shipment_events = Table(
    "shipment_events", metadata,
    Column("id", BigInteger, Identity(always=False), nullable=False),
    Column("shipment_id", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("applied", Boolean, nullable=False),
    Column("detail", Text),
    PrimaryKeyConstraint("id", name="shipment_events_pkey"),
    ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name="shipment_events_shipment_fkey", ondelete="CASCADE"),
)
Index("shipment_events_shipment", shipment_events.c.shipment_id, shipment_events.c.id)

provider_callbacks = Table(
    "provider_callbacks", metadata,
    Column("source", Text, nullable=False),  # wms | tms
    Column("event_id", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("reference", Text, nullable=False),  # the dispatch number or the waybill
    Column("shipment_id", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("source", "event_id", name="provider_callbacks_pkey"),
)
Index("provider_callbacks_shipment", provider_callbacks.c.shipment_id)

entitlements = Table(
    "entitlements", metadata,
    Column("id", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("sub_order_id", Text, nullable=False),
    Column("line_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
    Column("revoke_case_id", Text),  # the after-sales case that revoked it
    PrimaryKeyConstraint("id", name="entitlements_pkey"),
    UniqueConstraint("order_id", "line_id", name="entitlements_one_per_line"),
    CheckConstraint(_one_of("status", EntitlementStatus), name="entitlements_status_known"),
    CheckConstraint("quantity > 0", name="entitlements_quantity_positive"),
)
Index("entitlements_account", entitlements.c.account, entitlements.c.granted_at, entitlements.c.id)

case_returns = Table(
    "case_returns", metadata,
    Column("case_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("warehouse", Text),  # None: cancelled before it was expected
    Column("lines", JSONB, nullable=False),  # [{line_id, sku, quantity}]
    Column("carrier", Text),
    Column("waybill", Text),
    Column("status", Text, nullable=False),
    Column("expected_at", DateTime(timezone=True), nullable=False),
    Column("registration", JSONB, nullable=False),  # what the warehouse holds: {registered, waybill, tries, last_error}
    Column("registration_due_at", DateTime(timezone=True)),  # when the returns job (re)sends it; None: up to date
    Column("received_at", DateTime(timezone=True)),
    Column("inspected_at", DateTime(timezone=True)),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("restocks", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # the units restocked, by shipment
    Column("cancellation", JSONB),  # {reason, send_back, at, moot, told_at, sent_back_at}; None: not cancelled
    PrimaryKeyConstraint("case_id", name="case_returns_pkey"),
    CheckConstraint(_one_of("status", ReturnStatus), name="case_returns_status_known"),
)
Index("case_returns_order", case_returns.c.order_id)
Index("case_returns_status", case_returns.c.status, case_returns.c.expected_at)
Index("case_returns_due", case_returns.c.registration_due_at, postgresql_where=text("registration_due_at IS NOT NULL"))

case_revocations = Table(
    "case_revocations", metadata,
    Column("case_id", Text, nullable=False),
    Column("line_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("entitlement_id", Text),  # None while the line has no entitlement (revoked once it is granted)
    PrimaryKeyConstraint("case_id", "line_id", name="case_revocations_pkey"),
)
Index("case_revocations_line", case_revocations.c.order_id, case_revocations.c.line_id)
