"""Cancellation after payment (issue 11): a paid order's cancellation as asked and decided, what
fulfillment stopped of each line, and the refunds the order asked for with each line's share.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("cancellation", JSONB()))
    op.add_column("order_lines", sa.Column("stops", JSONB(), nullable=False, server_default="[]"))
    op.add_column("order_lines", sa.Column("cancelled_quantity", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "order_refunds",
        sa.Column("order_id", sa.Text(), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("refund_id", sa.Text(), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("lines", JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_refunds")
    op.drop_column("order_lines", "cancelled_quantity")
    op.drop_column("order_lines", "stops")
    op.drop_column("orders", "cancellation")
