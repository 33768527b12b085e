"""Incoming stock and pre-sale reservations: per stock row the units expected from a supplier
(`incoming`, `incoming_eta`) and how many of them pre-sale orders reserved; per reservation
whether it is a pre-sale and how many of its units still wait for incoming stock.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stock", sa.Column("incoming", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("stock", sa.Column("reserved_incoming", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("stock", sa.Column("incoming_eta", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint("stock_reserved_incoming_not_negative", "stock", "reserved_incoming >= 0")
    op.create_check_constraint("stock_reserved_incoming_within_incoming", "stock", "reserved_incoming <= incoming")
    op.add_column("reservations", sa.Column("pre_sale", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("reservations", sa.Column("incoming", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.create_check_constraint("reservations_incoming_within_quantity", "reservations",
                               "incoming >= 0 AND incoming <= quantity")
    op.create_check_constraint("reservations_incoming_only_pre_sale", "reservations", "pre_sale OR incoming = 0")
    op.create_index("reservations_waiting_for_stock", "reservations", ["sku", "warehouse", "reserved_at"],
                    postgresql_where=sa.text("state = 'active' AND incoming > 0"))


def downgrade() -> None:
    op.drop_index("reservations_waiting_for_stock", table_name="reservations")
    op.drop_constraint("reservations_incoming_only_pre_sale", "reservations", type_="check")
    op.drop_constraint("reservations_incoming_within_quantity", "reservations", type_="check")
    op.drop_column("reservations", "incoming")
    op.drop_column("reservations", "pre_sale")
    op.drop_constraint("stock_reserved_incoming_within_incoming", "stock", type_="check")
    op.drop_constraint("stock_reserved_incoming_not_negative", "stock", type_="check")
    op.drop_column("stock", "incoming_eta")
    op.drop_column("stock", "reserved_incoming")
    op.drop_column("stock", "incoming")
