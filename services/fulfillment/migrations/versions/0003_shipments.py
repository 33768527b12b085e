"""Shipments (with their lines and append-only events), entitlements, and the record that an
order's fulfillment is planned (once per order).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SHIPMENT_STATUSES = ("pending_review", "ready", "dispatched", "picked", "packed", "shipped", "in_transit",
                     "out_for_delivery", "signed", "intercepting", "intercepted", "intercept_failed", "returning",
                     "returned", "cancelled")


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "planned_orders",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="planned_orders_pkey"),
    )
    op.create_table(
        "shipments",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("buyer_id", sa.Text(), nullable=False),
        sa.Column("receiver", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("carrier", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("dispatch_number", sa.Text(), nullable=True),
        sa.Column("dispatch_numbers", postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.Column("waybill", sa.Text(), nullable=True),
        sa.Column("flags", postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatch_after", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="shipments_pkey"),
        sa.CheckConstraint(_one_of("status", SHIPMENT_STATUSES), name="shipments_status_known"),
    )
    op.create_index("shipments_waiting", "shipments", ["buyer_id", "dispatch_after"],
                    postgresql_where=sa.text("status = 'ready'"))
    op.create_index("shipments_planned", "shipments", ["planned_at", "id"])
    op.create_index("shipments_status_warehouse", "shipments", ["status", "warehouse", "planned_at"])
    op.create_index("shipments_dispatch_number", "shipments", ["dispatch_number"])
    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("sub_order_id", sa.Text(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("volume_cm3", sa.Integer(), nullable=False),
        sa.Column("fragile", sa.Boolean(), nullable=False),
        sa.Column("oversize", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id", "line_id", name="shipment_lines_pkey"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name="shipment_lines_shipment_fkey",
                                ondelete="CASCADE"),
        sa.CheckConstraint("quantity > 0", name="shipment_lines_quantity_positive"),
    )
    op.create_index("shipment_lines_order", "shipment_lines", ["order_id"])
    op.create_index("shipment_lines_merchant", "shipment_lines", ["merchant_id"])
    op.create_table(
        "shipment_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="shipment_events_pkey"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name="shipment_events_shipment_fkey",
                                ondelete="CASCADE"),
    )
    op.create_index("shipment_events_shipment", "shipment_events", ["shipment_id", "id"])
    op.create_table(
        "entitlements",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("sub_order_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="entitlements_pkey"),
        sa.UniqueConstraint("order_id", "line_id", name="entitlements_one_per_line"),
        sa.CheckConstraint("status IN ('active', 'revoked')", name="entitlements_status_known"),
        sa.CheckConstraint("quantity > 0", name="entitlements_quantity_positive"),
    )
    op.create_index("entitlements_account", "entitlements", ["account", "granted_at", "id"])


def downgrade() -> None:
    op.drop_index("entitlements_account", table_name="entitlements")
    op.drop_table("entitlements")
    op.drop_index("shipment_events_shipment", table_name="shipment_events")
    op.drop_table("shipment_events")
    op.drop_index("shipment_lines_merchant", table_name="shipment_lines")
    op.drop_index("shipment_lines_order", table_name="shipment_lines")
    op.drop_table("shipment_lines")
    op.drop_index("shipments_dispatch_number", table_name="shipments")
    op.drop_index("shipments_status_warehouse", table_name="shipments")
    op.drop_index("shipments_planned", table_name="shipments")
    op.drop_index("shipments_waiting", table_name="shipments", postgresql_where=sa.text("status = 'ready'"))
    op.drop_table("shipments")
    op.drop_table("planned_orders")
