"""Orders track their shipments (fulfillment's events: the order's part of each shipment, its
status, carrier, waybill and events) and their virtual lines' entitlements.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:35:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("entitlement_id", sa.Text()))
    op.create_table(
        "order_shipments",
        sa.Column("order_id", sa.Text(), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("shipment_id", sa.Text(), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("carrier", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("waybill", sa.Text()),
        sa.Column("dispatch_number", sa.Text()),
        sa.Column("lines", JSONB(), nullable=False),
        sa.Column("events", JSONB(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_shipments")
    op.drop_column("order_lines", "entitlement_id")
