"""Lines keep their SKU's measures from the price book (per unit: weight, volume, oversize), so
fulfillment can split parcels by them. Lines placed before this have none (0, false).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 20:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("weight_grams", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("order_lines", sa.Column("volume_cm3", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("order_lines", sa.Column("oversize", sa.Boolean(), nullable=False, server_default="false"))


def downgrade() -> None:
    for column in ("oversize", "volume_cm3", "weight_grams"):
        op.drop_column("order_lines", column)
