"""The order service's tables (SQLAlchemy Core metadata, the source of its migrations)."""

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        DateTime,
                        ForeignKey,
                        Identity,
                        Index,
                        Integer,
                        MetaData,
                        Table,
                        Text,
                        text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from tradeflow_kit.idempotency import idempotency_table
from tradeflow_kit.messaging.schema import messaging_tables
from tradeflow_kit.sagas.schema import saga_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)
idempotency_keys = idempotency_table(metadata)
sagas, saga_moves = saga_tables(metadata)

orders = Table(
    "orders", metadata,
    Column("id", Text, primary_key=True),
    Column("buyer_id", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("receiver", JSONB, nullable=False),
    Column("receiver_phone", Text, nullable=False),
    Column("receiver_address", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("payment_status", Text, nullable=False),
    Column("hold_reason", Text),
    Column("hold_since", DateTime(timezone=True)),
    Column("cancel_reason", Text),
    Column("payment_deadline", DateTime(timezone=True)),
    Column("refunded_amount", BigInteger, nullable=False),
    Column("paid_amount", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("type", Text, nullable=False, server_default="normal"),
    Column("delivery_method", Text, nullable=False, server_default="express"),
    Column("invoice", JSONB),
    Column("priced_by", Text, nullable=False, server_default="staff"),
    Column("benefits", JSONB, nullable=False, server_default="{}"),  # coupons [{code, amount}], points_amount
    Column("auto_confirm_at", DateTime(timezone=True)),
    # a paid order's: {state, reason, requested_by, requested_at, decided_at, going_on: [...]}
    Column("cancellation", JSONB),
    Column("facts_version", BigInteger, nullable=False, server_default="0"),  # OrderChanged's version
    Column("case_cancels", JSONB, nullable=False, server_default="[]"),  # after-sales cases' stops
    Column("cases", JSONB, nullable=False, server_default="[]"),  # [{case_id, type, status, open, at}]
    Column("external_order_id", Text),  # a channel order's id on its channel (unique per channel)
    Column("external_status", Text),
    Index("orders_buyer_created", "buyer_id", "created_at"),
    Index("orders_channel_external", "channel", "external_order_id", unique=True,
          postgresql_where=text("external_order_id IS NOT NULL")),
    Index("orders_created", "created_at"),  # reports by period
    Index("orders_phone_created", "receiver_phone", "created_at"),
    Index("orders_address_created", "receiver_address", "created_at"),
    Index("orders_auto_confirm_due", "auto_confirm_at", postgresql_where=text("status = 'shipped'")),
)

sub_orders = Table(
    "sub_orders", metadata,
    Column("id", Text, primary_key=True),
    Column("order_id", Text, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("reservation", Text, nullable=False),
    Index("sub_orders_merchant_order", "merchant_id", "order_id"),
)

order_lines = Table(
    "order_lines", metadata,
    Column("id", Text, primary_key=True),
    Column("sub_order_id", Text, ForeignKey("sub_orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_amount", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("fragile", Boolean, nullable=False),
    Column("shipping_amount", BigInteger, nullable=False),
    Column("discounts", JSONB, nullable=False),
    Column("refunded_amount", BigInteger, nullable=False),
    Column("warehouses", JSONB, nullable=False, server_default="[]"),  # [{code, quantity}]
    Column("title", Text),
    Column("sku_version", Integer),
    Column("weight_grams", Integer, nullable=False, server_default="0"),
    Column("volume_cm3", Integer, nullable=False, server_default="0"),
    Column("oversize", Boolean, nullable=False, server_default="false"),
    Column("entitlement_id", Text),
    Column("stops", JSONB, nullable=False, server_default="[]"),  # [{quantity, shipment_id, warehouse, ...}]
    Column("cancelled_quantity", Integer, nullable=False, server_default="0"),  # the stops' units, for queries
    Column("cancelled_amount", BigInteger, nullable=False, server_default="0"),  # their paid share, refunded
    Column("external_line_id", Text),  # a channel order's line: its id, price and paid amount on the channel
    Column("channel_unit_price_amount", BigInteger),
    Column("channel_paid_amount", BigInteger),
)

# The order's part of each shipment holding its lines (a read model fed by fulfillment's events).
order_shipments = Table(
    "order_shipments", metadata,
    Column("order_id", Text, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("shipment_id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("warehouse", Text, nullable=False),
    Column("carrier", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("waybill", Text),
    Column("dispatch_number", Text),
    Column("lines", JSONB, nullable=False),  # [{line_id, quantity}]
    Column("events", JSONB, nullable=False),  # [{at, status, event}]
)

# The refunds the order asked for, each with its lines' shares (attributed so when it is made).
order_refunds = Table(
    "order_refunds", metadata,
    Column("order_id", Text, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("refund_id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("lines", JSONB, nullable=False),  # {line_id: share}
    Column("state", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("case_id", Text),  # an after-sales case's refund
    Column("points", JSONB, nullable=False, server_default="{}"),  # {line_id: points given back with it}
)

order_history = Table(
    "order_history", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("order_id", Text, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("from_status", Text),
    Column("to_status", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("reason", Text),
    Column("payment_status", Text),
)


# The price book (domain/catalog.py): each row is the current version of its entry; a SKU's
# earlier versions stay in catalog_sku_versions.
def _sku_columns() -> list[Column]:
    return [
        Column("merchant_id", Text, nullable=False),
        Column("title", Text, nullable=False),
        Column("unit_price_amount", BigInteger, nullable=False),
        Column("currency", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("weight_grams", Integer, nullable=False),
        Column("volume_cm3", Integer, nullable=False),
        Column("fragile", Boolean, nullable=False),
        Column("oversize", Boolean, nullable=False),
        Column("category", Text),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("updated_by", Text),
    ]


catalog_skus = Table(
    "catalog_skus", metadata,
    Column("sku", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    *_sku_columns(),
    Index("catalog_skus_merchant", "merchant_id", "sku"),
)

catalog_sku_versions = Table(
    "catalog_sku_versions", metadata,
    Column("sku", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    *_sku_columns(),
)

freight_templates = Table(
    "freight_templates", metadata,
    Column("merchant_id", Text, primary_key=True),
    Column("base_amount", BigInteger, nullable=False),
    Column("per_kg_amount", BigInteger, nullable=False),
    Column("free_above_amount", BigInteger),
    Column("regions", JSONB, nullable=False),  # {region: {"base_amount", "per_kg_amount"}}
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

coupons = Table(
    "coupons", metadata,
    Column("code", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("amount", BigInteger),
    Column("percent", Integer),
    Column("min_spend_amount", BigInteger),
    Column("merchant_id", Text),
    Column("skus", ARRAY(Text)),  # NULL: any SKU (of the merchant, if any)
    Column("valid_from", DateTime(timezone=True)),
    Column("valid_until", DateTime(timezone=True)),
    Column("per_buyer_limit", Integer),
    Column("total_quantity", Integer),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# One row per (order, coupon) held; `returned_at` set when the order gives it back. A coupon's
# uses are its rows not returned, counted through the partial index.
coupon_holds = Table(
    "coupon_holds", metadata,
    Column("order_id", Text, primary_key=True),
    Column("code", Text, ForeignKey("coupons.code"), primary_key=True),
    Column("buyer_id", Text, nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Column("returned_at", DateTime(timezone=True)),
    Index("coupon_holds_held", "code", "buyer_id", postgresql_where=text("returned_at IS NULL")),
)

# A buyer's points ledger: the balance is the sum of its signed entries. An order has at most
# one `returned` entry (the partial unique index), so giving its points back twice cannot pay twice.
points_entries = Table(
    "points_entries", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("buyer_id", Text, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("order_id", Text),
    Column("reason", Text),
    Column("actor", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("points_entries_buyer", "buyer_id", "id"),
    Index("points_entries_returned_once", "order_id", unique=True, postgresql_where=text("kind = 'returned'")),
    # an after-sales refund gives points back once: its entry's reason is the refund id
    Index("points_entries_returned_part_once", "order_id", "reason", unique=True,
          postgresql_where=text("kind = 'returned_part'")),
)
