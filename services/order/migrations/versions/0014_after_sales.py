"""After-sales (issue 12): the version of the order's after-sales facts (OrderChanged), the cases'
stops and the cases the order was told of, each line's cancelled amount (backfilled as the paid
share of its cancelled units, as the cancellation refunded them), the case and points of each
refund asked, and a buyer's points given back once per after-sales refund.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

PAID = ("quantity * unit_price_amount + shipping_amount"
        " - (SELECT coalesce(sum(value::bigint), 0) FROM jsonb_each_text(discounts))")


def upgrade() -> None:
    op.add_column("orders", sa.Column("facts_version", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("orders", sa.Column("case_cancels", JSONB(), nullable=False, server_default="[]"))
    op.add_column("orders", sa.Column("cases", JSONB(), nullable=False, server_default="[]"))
    op.add_column("order_lines", sa.Column("cancelled_amount", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute(f"UPDATE order_lines SET cancelled_amount = ({PAID}) * cancelled_quantity / quantity "
               "WHERE cancelled_quantity > 0")
    op.add_column("order_refunds", sa.Column("case_id", sa.Text()))
    op.add_column("order_refunds", sa.Column("points", JSONB(), nullable=False, server_default="{}"))
    op.create_index("points_entries_returned_part_once", "points_entries", ["order_id", "reason"], unique=True,
                    postgresql_where=sa.text("kind = 'returned_part'"))


def downgrade() -> None:
    op.drop_index("points_entries_returned_part_once", table_name="points_entries")
    op.drop_column("order_refunds", "points")
    op.drop_column("order_refunds", "case_id")
    op.drop_column("order_lines", "cancelled_amount")
    op.drop_column("orders", "cases")
    op.drop_column("orders", "case_cancels")
    op.drop_column("orders", "facts_version")
