"""Dispatch and callbacks: the dispatch under way on each shipment (its attempt, leased until
dispatch_retry_at, and the numbers the warehouse held for others), the index the dispatcher
claims due shipments by, the warehouse's and carrier's events seen (provider_callbacks), and
Idempotency-Keys for staff review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeflow_kit.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shipments", sa.Column("dispatch_attempt", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column("shipments", sa.Column("dispatch_retry_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("shipments", sa.Column("skipped_dispatch_numbers", postgresql.JSONB(astext_type=sa.Text()),
                                         nullable=False, server_default=sa.text("'[]'::jsonb")))
    op.create_index("shipments_due", "shipments", ["dispatch_after"], postgresql_where=sa.text("status = 'ready'"))
    op.create_table(
        "provider_callbacks",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("shipment_id", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name="provider_callbacks_pkey"),
    )
    op.create_index("provider_callbacks_shipment", "provider_callbacks", ["shipment_id"])
    create_idempotency_table_v1(op.get_bind())


def downgrade() -> None:
    drop_idempotency_table_v1(op.get_bind())
    op.drop_index("provider_callbacks_shipment", table_name="provider_callbacks")
    op.drop_table("provider_callbacks")
    op.drop_index("shipments_due", table_name="shipments", postgresql_where=sa.text("status = 'ready'"))
    op.drop_column("shipments", "skipped_dispatch_numbers")
    op.drop_column("shipments", "dispatch_retry_at")
    op.drop_column("shipments", "dispatch_attempt")
