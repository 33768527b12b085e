"""Stock at shipment and return: per reservation how many units shipped and came back, the
state `fulfilled` (every unit shipped) in place of the never used `deducted`; the record of
deductions by shipment and restocks by return, and their lines (the stock audit trail).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reservations", sa.Column("shipped", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("reservations", sa.Column("returned", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.drop_constraint("reservations_state_known", "reservations", type_="check")
    # Nothing ever wrote 'deducted' (it waited for this step); should a row have it, all of it shipped.
    op.execute("UPDATE reservations SET state = 'fulfilled', shipped = quantity, incoming = 0 "
               "WHERE state = 'deducted'")
    op.create_check_constraint("reservations_state_known", "reservations",
                               "state IN ('active', 'released', 'fulfilled')")
    op.create_check_constraint("reservations_shipped_within_quantity", "reservations",
                               "shipped >= 0 AND shipped + incoming <= quantity")
    op.create_check_constraint("reservations_returned_within_shipped", "reservations",
                               "returned >= 0 AND returned <= shipped")
    op.create_check_constraint("reservations_fulfilled_when_all_shipped", "reservations",
                               "(state = 'fulfilled') = (shipped = quantity)")
    _create_records()
    _create_movements()


def _create_records() -> None:
    op.create_table(
        "deductions",
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("deducted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id", name="deductions_pkey"),
    )
    op.create_table(
        "restocks",
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("return_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shipment_id", "return_id", name="restocks_pkey"),
        sa.ForeignKeyConstraint(["shipment_id"], ["deductions.shipment_id"], name="restocks_deduction_fkey"),
    )


def _create_movements() -> None:
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("return_id", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("sub_order_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="stock_movements_pkey"),
        sa.ForeignKeyConstraint(["shipment_id"], ["deductions.shipment_id"], name="stock_movements_deduction_fkey"),
        sa.ForeignKeyConstraint(["shipment_id", "return_id"], ["restocks.shipment_id", "restocks.return_id"],
                                name="stock_movements_restock_fkey"),
        sa.ForeignKeyConstraint(["order_id", "sub_order_id", "line_id", "warehouse"],
                                ["reservations.order_id", "reservations.sub_order_id", "reservations.line_id",
                                 "reservations.warehouse"], name="stock_movements_reservation_fkey"),
        sa.ForeignKeyConstraint(["sku", "warehouse"], ["stock.sku", "stock.warehouse"],
                                name="stock_movements_stock_fkey"),
        sa.CheckConstraint("kind IN ('deducted', 'restocked')", name="stock_movements_kind_known"),
        sa.CheckConstraint("(kind = 'deducted') = (return_id IS NULL)", name="stock_movements_return_only_restocked"),
        sa.CheckConstraint("quantity > 0", name="stock_movements_quantity_positive"),
    )
    op.create_index("stock_movements_at", "stock_movements", ["at", "id"])
    op.create_index("stock_movements_sku", "stock_movements", ["sku", "at", "id"])
    op.create_index("stock_movements_shipment", "stock_movements", ["shipment_id", "return_id", "position"])
    op.create_index("stock_movements_order", "stock_movements", ["order_id", "at", "id"])


def downgrade() -> None:
    op.drop_table("stock_movements")
    op.drop_table("restocks")
    op.drop_table("deductions")
    op.drop_constraint("reservations_fulfilled_when_all_shipped", "reservations", type_="check")
    op.drop_constraint("reservations_returned_within_shipped", "reservations", type_="check")
    op.drop_constraint("reservations_shipped_within_quantity", "reservations", type_="check")
    op.drop_constraint("reservations_state_known", "reservations", type_="check")
    op.execute("UPDATE reservations SET state = 'deducted' WHERE state = 'fulfilled'")
    op.create_check_constraint("reservations_state_known", "reservations",
                               "state IN ('active', 'released', 'deducted')")
    op.drop_column("reservations", "returned")
    op.drop_column("reservations", "shipped")
