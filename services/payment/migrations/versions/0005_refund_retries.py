"""Refunds wait out a PSP outage: a refund is pending until the PSP makes or refuses it, tried
again at `next_attempt_at` (attempts so far, the last error, when it settled).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("refunds", sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
    op.add_column("refunds", sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    op.add_column("refunds", sa.Column("last_error", sa.Text))
    op.add_column("refunds", sa.Column("settled_at", sa.DateTime(timezone=True)))
    op.create_index("refunds_to_retry", "refunds", ["next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_index("refunds_to_retry", table_name="refunds")
    op.drop_column("refunds", "settled_at")
    op.drop_column("refunds", "last_error")
    op.drop_column("refunds", "next_attempt_at")
    op.drop_column("refunds", "attempts")
