"""Channel orders (issue 13): a channel order's external id (unique per channel) and status, and
each of its lines' id, unit price and paid amount on the channel; orders by creation time for
the GMV report.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("external_order_id", sa.Text()))
    op.add_column("orders", sa.Column("external_status", sa.Text()))
    op.create_index("orders_channel_external", "orders", ["channel", "external_order_id"], unique=True,
                    postgresql_where=sa.text("external_order_id IS NOT NULL"))
    op.create_index("orders_created", "orders", ["created_at"])
    op.add_column("order_lines", sa.Column("external_line_id", sa.Text()))
    op.add_column("order_lines", sa.Column("channel_unit_price_amount", sa.BigInteger()))
    op.add_column("order_lines", sa.Column("channel_paid_amount", sa.BigInteger()))


def downgrade() -> None:
    op.drop_column("order_lines", "channel_paid_amount")
    op.drop_column("order_lines", "channel_unit_price_amount")
    op.drop_column("order_lines", "external_line_id")
    op.drop_index("orders_created", table_name="orders")
    op.drop_index("orders_channel_external", table_name="orders")
    op.drop_column("orders", "external_status")
    op.drop_column("orders", "external_order_id")
