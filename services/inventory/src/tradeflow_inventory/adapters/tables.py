"""The inventory service's tables (SQLAlchemy Core metadata, the source of its migrations).

The check constraints are the last line of defence for the stock invariants: even a faulty
write can never leave on_hand < 0, reserved < 0, reserved > on_hand, nor reserved_incoming
outside 0 … incoming, nor a reservation waiting for more incoming units than it holds, shipping
or releasing more than it holds, taking back more than it shipped, active while it holds
nothing, ended while it still holds units, or fulfilled with nothing shipped.
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
    Column("shipped", Integer, nullable=False, server_default=text("0")),
    Column("released", Integer, nullable=False, server_default=text("0")),
    Column("returned", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("order_id", "sub_order_id", "line_id", "warehouse", name="reservations_pkey"),
    ForeignKeyConstraint(["sku", "warehouse"], ["stock.sku", "stock.warehouse"], name="reservations_stock_fkey"),
    CheckConstraint("quantity > 0", name="reservations_quantity_positive"),
    CheckConstraint("state IN ('active', 'released', 'fulfilled')", name="reservations_state_known"),
    CheckConstraint("incoming >= 0 AND incoming <= quantity", name="reservations_incoming_within_quantity"),
    CheckConstraint("pre_sale OR incoming = 0", name="reservations_incoming_only_pre_sale"),
    CheckConstraint("shipped >= 0 AND released >= 0 AND shipped + released + incoming <= quantity",
                    name="reservations_units_within_quantity"),
    CheckConstraint("returned >= 0 AND returned <= shipped", name="reservations_returned_within_shipped"),
    CheckConstraint("(state = 'active') = (shipped + released < quantity)", name="reservations_active_while_holding"),
    CheckConstraint("state <> 'fulfilled' OR shipped > 0", name="reservations_fulfilled_when_shipped"),
)

# A receipt of goods serves the reservations waiting in its stock row, oldest first.
Index("reservations_waiting_for_stock", reservations.c.sku, reservations.c.warehouse, reservations.c.reserved_at,
      postgresql_where=text("state = 'active' AND incoming > 0"))

# One deduction per shipment, one restock per (shipment, return): the record that makes them idempotent.
deductions = Table(
    "deductions", metadata,
    Column("shipment_id", Text, nullable=False),
    Column("deducted_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("shipment_id", name="deductions_pkey"),
)

restocks = Table(
    "restocks", metadata,
    Column("shipment_id", Text, nullable=False),
    Column("return_id", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("restocked_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("shipment_id", "return_id", name="restocks_pkey"),
    ForeignKeyConstraint(["shipment_id"], ["deductions.shipment_id"], name="restocks_deduction_fkey"),
)

# Their lines, the stock audit trail: a deduction's have no return_id, a restock's name theirs.
stock_movements = Table(
    "stock_movements", metadata,
    Column("id", BigInteger, Identity(always=False), nullable=False),
    Column("kind", Text, nullable=False),
    Column("shipment_id", Text, nullable=False),
    Column("return_id", Text),
    Column("position", Integer, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("sub_order_id", Text, nullable=False),
    Column("line_id", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("warehouse", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("id", name="stock_movements_pkey"),
    ForeignKeyConstraint(["shipment_id"], ["deductions.shipment_id"], name="stock_movements_deduction_fkey"),
    ForeignKeyConstraint(["shipment_id", "return_id"], ["restocks.shipment_id", "restocks.return_id"],
                         name="stock_movements_restock_fkey"),
    ForeignKeyConstraint(["order_id", "sub_order_id", "line_id", "warehouse"],
                         ["reservations.order_id", "reservations.sub_order_id", "reservations.line_id",
                          "reservations.warehouse"], name="stock_movements_reservation_fkey"),
    ForeignKeyConstraint(["sku", "warehouse"], ["stock.sku", "stock.warehouse"], name="stock_movements_stock_fkey"),
    CheckConstraint("kind IN ('deducted', 'restocked')", name="stock_movements_kind_known"),
    CheckConstraint("(kind = 'deducted') = (return_id IS NULL)", name="stock_movements_return_only_restocked"),
    CheckConstraint("quantity > 0", name="stock_movements_quantity_positive"),
)

# The audit trail is read newest first, whole or by SKU, shipment or order.
Index("stock_movements_at", stock_movements.c.at, stock_movements.c.id)
Index("stock_movements_sku", stock_movements.c.sku, stock_movements.c.at, stock_movements.c.id)
Index("stock_movements_shipment", stock_movements.c.shipment_id, stock_movements.c.return_id,
      stock_movements.c.position)
Index("stock_movements_order", stock_movements.c.order_id, stock_movements.c.at, stock_movements.c.id)
