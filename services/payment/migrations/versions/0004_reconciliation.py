"""Reconciliation with the PSP: what the provider last said about each attempt, and when.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("payments", sa.Column("provider_state", sa.Text))
    op.add_column("payments", sa.Column("provider_checked_at", sa.DateTime(timezone=True)))
    op.create_index("payments_to_reconcile", "payments", ["created_at"],
                    postgresql_where=sa.text("status IN ('pending', 'expired')"))


def downgrade() -> None:
    op.drop_index("payments_to_reconcile", table_name="payments")
    op.drop_column("payments", "provider_checked_at")
    op.drop_column("payments", "provider_state")
