"""The platform order's newest facts on each channel order (its status and their version): a
channel's refund waits until the order is paid.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("channel_orders", sa.Column("order_status", sa.Text()))
    op.add_column("channel_orders", sa.Column("facts_version", sa.BigInteger()))


def downgrade() -> None:
    op.drop_column("channel_orders", "facts_version")
    op.drop_column("channel_orders", "order_status")
