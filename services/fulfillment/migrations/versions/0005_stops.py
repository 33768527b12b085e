"""Cancellation after payment: the interception under way on a shipment (and when the interceptor
acts next), each order's stop (order_stops), and the indexes the interceptor and the dispatcher
(re-dispatch after an interception) claim by.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shipments", sa.Column("interception", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column("shipments", sa.Column("interception_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("shipments_intercepting", "shipments", ["interception_due_at"],
                    postgresql_where=sa.text("status = 'intercepting'"))
    op.create_index("shipments_redispatch", "shipments", ["id"], postgresql_where=sa.text("status = 'intercepted'"))
    op.create_table(
        "order_stops",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcomes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("waiting", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="order_stops_pkey"),
    )


def downgrade() -> None:
    op.drop_table("order_stops")
    op.drop_index("shipments_redispatch", table_name="shipments", postgresql_where=sa.text("status = 'intercepted'"))
    op.drop_index("shipments_intercepting", table_name="shipments",
                  postgresql_where=sa.text("status = 'intercepting'"))
    op.drop_column("shipments", "interception_due_at")
    op.drop_column("shipments", "interception")
