"""Each history entry keeps the order's payment status after it (GET /orders/{id}/events sends
both statuses per change). Entries recorded before stay NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 17:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("order_history", sa.Column("payment_status", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("order_history", "payment_status")
