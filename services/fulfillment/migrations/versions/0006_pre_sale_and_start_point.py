"""Pre-sale shipments wait for their goods: the sub-orders a shipment waits for (awaiting_stock),
the sub-orders whose goods arrived (pre_sale_arrivals, also before their order is planned), and
the dispatcher's index of due shipments narrowed to those waiting for nothing. The start point:
planned_orders says whether an order was planned or skipped (paid before it), and when it was paid.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shipments", sa.Column("awaiting_stock", postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                                         server_default=sa.text("'[]'::jsonb")))
    op.drop_index("shipments_due", table_name="shipments", postgresql_where=sa.text("status = 'ready'"))
    op.create_index("shipments_due", "shipments", ["dispatch_after"],
                    postgresql_where=sa.text("status = 'ready' AND awaiting_stock = '[]'::jsonb"))
    op.create_table(
        "pre_sale_arrivals",
        sa.Column("sub_order_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sub_order_id", name="pre_sale_arrivals_pkey"),
    )
    op.add_column("planned_orders", sa.Column("outcome", sa.Text(), nullable=False,
                                              server_default=sa.text("'planned'")))
    op.add_column("planned_orders", sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint("planned_orders_outcome_known", "planned_orders",
                               "outcome IN ('planned', 'skipped_before_start')")


def downgrade() -> None:
    op.drop_constraint("planned_orders_outcome_known", "planned_orders", type_="check")
    op.drop_column("planned_orders", "paid_at")
    op.drop_column("planned_orders", "outcome")
    op.drop_table("pre_sale_arrivals")
    op.drop_index("shipments_due", table_name="shipments",
                  postgresql_where=sa.text("status = 'ready' AND awaiting_stock = '[]'::jsonb"))
    op.create_index("shipments_due", "shipments", ["dispatch_after"], postgresql_where=sa.text("status = 'ready'"))
    op.drop_column("shipments", "awaiting_stock")
