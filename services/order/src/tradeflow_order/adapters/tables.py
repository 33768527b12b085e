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
)
from sqlalchemy.dialects.postgresql import JSONB

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
    Index("orders_buyer_created", "buyer_id", "created_at"),
    Index("orders_phone_created", "receiver_phone", "created_at"),
    Index("orders_address_created", "receiver_address", "created_at"),
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
    Column("warehouse", Text),
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
