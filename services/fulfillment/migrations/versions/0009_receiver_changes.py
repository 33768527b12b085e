"""Receiver changes (issue 13, ChangeReceiver): a channel's address change re-reviews each of the
order's shipments; `receiver_changes` keeps each change (by its `change_id`), its outcomes and the
shipments still being stopped for it, and an index to find an order's changes not settled yet.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receiver_changes",
        sa.Column("change_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("receiver", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcomes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("waiting", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("change_id", name="receiver_changes_pkey"),
    )
    op.create_index("receiver_changes_pending", "receiver_changes", ["order_id"],
                    postgresql_where=sa.text("settled_at IS NULL"))


def downgrade() -> None:
    op.drop_index("receiver_changes_pending", table_name="receiver_changes",
                  postgresql_where=sa.text("settled_at IS NULL"))
    op.drop_table("receiver_changes")
