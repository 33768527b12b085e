"""Merchant scope: find the orders holding a merchant's sub-orders without a scan.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:50:00
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('sub_orders_merchant_order', 'sub_orders', ['merchant_id', 'order_id'], unique=False)


def downgrade() -> None:
    op.drop_index('sub_orders_merchant_order', table_name='sub_orders')
