"""The inventory service's tables (SQLAlchemy Core metadata, the source of its migrations).

The check constraints are the last line of defence for the stock invariants: even a faulty
write can never leave on_hand < 0, reserved < 0, reserved > on_hand, nor reserved_incoming
outside 0 … incoming, nor a reservation waiting for more incoming units than it holds.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    false,
    text,
)

from tradeflow_kit.idempotency import idempotency_table
from tradeflow_kit.messaging.schema import messaging_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)
idempotency_keys = idempotency_table(metadata)

warehouses = Table(
    "warehouses", metadata,
    Column("code", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("priority", Integer, nullable=False),
    PrimaryKeyConstraint("code", name="warehouses_pkey"),
)

stock = Table(
    "stock", metadata,
    Column("sku", Text, nullable=False),
    Column("warehouse", Text, nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("incoming", Integer, nullable=False, server_default=text("0")),
    Column("reserved_incoming", Integer, nullable=False, server_default=text("0")),
    Column("incoming_eta", DateTime(timezone=True)),
    PrimaryKeyConstraint("sku", "warehouse", name="stock_pkey"),
    ForeignKeyConstraint(["warehouse"], ["warehouses.code"], name="stock_warehouse_fkey"),
    CheckConstraint("on_hand >= 0", name="stock_on_hand_not_negative"),
    CheckConstraint("reserved >= 0", name="stock_reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="stock_reserved_within_on_hand"),
    CheckConstraint("reserved_incoming >= 0", name="stock_reserved_incoming_not_negative"),
    CheckConstraint("reserved_incoming <= incoming", name="stock_reserved_incoming_within_incoming"),
)

reservations = Table(
    "reservations", metadata,
    Column("order_id", Text, nullable=False),
    Column("sub_order_id", Text, nullable=False),
    Column("line_id", Text, nullable=False),
    Column("warehouse", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("reserved_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True)),
    Column("pre_sale", Boolean, nullable=False, server_default=false()),
    Column("incoming", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("order_id", "sub_order_id", "line_id", "warehouse", name="reservations_pkey"),
    ForeignKeyConstraint(["sku", "warehouse"], ["stock.sku", "stock.warehouse"], name="reservations_stock_fkey"),
    CheckConstraint("quantity > 0", name="reservations_quantity_positive"),
    CheckConstraint("state IN ('active', 'released', 'deducted')", name="reservations_state_known"),
    CheckConstraint("incoming >= 0 AND incoming <= quantity", name="reservations_incoming_within_quantity"),
    CheckConstraint("pre_sale OR incoming = 0", name="reservations_incoming_only_pre_sale"),
)

# A receipt of goods serves the reservations waiting in its stock row, oldest first.
Index("reservations_waiting_for_stock", reservations.c.sku, reservations.c.warehouse, reservations.c.reserved_at,
      postgresql_where=text("state = 'active' AND incoming > 0"))
