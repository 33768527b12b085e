"""Stock: warehouses, stock per SKU and warehouse, and reservations of sub-order lines.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warehouses",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="warehouses_pkey"),
    )
    op.create_table(
        "stock",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "warehouse", name="stock_pkey"),
        sa.ForeignKeyConstraint(["warehouse"], ["warehouses.code"], name="stock_warehouse_fkey"),
        sa.CheckConstraint("on_hand >= 0", name="stock_on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="stock_reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="stock_reserved_within_on_hand"),
    )
    op.create_table(
        "reservations",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("sub_order_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id", "sub_order_id", "line_id", "warehouse", name="reservations_pkey"),
        sa.ForeignKeyConstraint(["sku", "warehouse"], ["stock.sku", "stock.warehouse"],
                                name="reservations_stock_fkey"),
        sa.CheckConstraint("quantity > 0", name="reservations_quantity_positive"),
        sa.CheckConstraint("state IN ('active', 'released', 'deducted')", name="reservations_state_known"),
    )


def downgrade() -> None:
    op.drop_table("reservations")
    op.drop_table("stock")
    op.drop_table("warehouses")
