"""Orders whose every parcel was signed for are confirmed for the buyer at `auto_confirm_at`
unless they confirm first; a partial index finds the due ones.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 21:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("auto_confirm_at", sa.DateTime(timezone=True)))
    op.create_index("orders_auto_confirm_due", "orders", ["auto_confirm_at"],
                    postgresql_where=sa.text("status = 'shipped'"))


def downgrade() -> None:
    op.drop_index("orders_auto_confirm_due", table_name="orders")
    op.drop_column("orders", "auto_confirm_at")
