"""Orders know their type, delivery method, invoice, who priced them and the coupons and points
they hold; lines their title and price-book version, and every warehouse holding their units
(a sub-order may be split over several): `warehouse` becomes `warehouses` [{code, quantity}].
Orders placed before this were priced by their client: `priced_by` says `staff`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 20:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("type", sa.Text(), nullable=False, server_default="normal"))
    op.add_column("orders", sa.Column("delivery_method", sa.Text(), nullable=False, server_default="express"))
    op.add_column("orders", sa.Column("invoice", JSONB()))
    op.add_column("orders", sa.Column("priced_by", sa.Text(), nullable=False, server_default="staff"))
    op.add_column("orders", sa.Column("benefits", JSONB(), nullable=False, server_default="{}"))
    op.add_column("order_lines", sa.Column("warehouses", JSONB(), nullable=False, server_default="[]"))
    op.add_column("order_lines", sa.Column("title", sa.Text()))
    op.add_column("order_lines", sa.Column("sku_version", sa.Integer()))
    op.execute("""UPDATE order_lines SET warehouses = jsonb_build_array(
                      jsonb_build_object('code', warehouse, 'quantity', quantity))
                  WHERE warehouse IS NOT NULL""")
    op.drop_column("order_lines", "warehouse")


def downgrade() -> None:
    op.add_column("order_lines", sa.Column("warehouse", sa.Text()))
    op.execute("UPDATE order_lines SET warehouse = warehouses -> 0 ->> 'code'")
    for column in ("sku_version", "title", "warehouses"):
        op.drop_column("order_lines", column)
    for column in ("benefits", "priced_by", "invoice", "delivery_method", "type"):
        op.drop_column("orders", column)
