"""The price book the server prices orders from: catalog SKUs (the current version, and every
version kept), merchants' freight templates, coupons and the orders holding them, and the buyers'
points ledgers (an order's points are returned at most once: a partial unique index).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 20:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _sku_columns() -> list[sa.Column]:
    return [
        sa.Column('merchant_id', sa.Text(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('unit_price_amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.Text(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('weight_grams', sa.Integer(), nullable=False),
        sa.Column('volume_cm3', sa.Integer(), nullable=False),
        sa.Column('fragile', sa.Boolean(), nullable=False),
        sa.Column('oversize', sa.Boolean(), nullable=False),
        sa.Column('category', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table('catalog_skus',
    sa.Column('sku', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    *_sku_columns(),
    sa.PrimaryKeyConstraint('sku')
    )
    op.create_index('catalog_skus_merchant', 'catalog_skus', ['merchant_id', 'sku'], unique=False)
    op.create_table('catalog_sku_versions',
    sa.Column('sku', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    *_sku_columns(),
    sa.PrimaryKeyConstraint('sku', 'version')
    )
    op.create_table('freight_templates',
    sa.Column('merchant_id', sa.Text(), nullable=False),
    sa.Column('base_amount', sa.BigInteger(), nullable=False),
    sa.Column('per_kg_amount', sa.BigInteger(), nullable=False),
    sa.Column('free_above_amount', sa.BigInteger(), nullable=True),
    sa.Column('regions', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('merchant_id')
    )
    op.create_table('coupons',
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('min_spend_amount', sa.BigInteger(), nullable=True),
    sa.Column('merchant_id', sa.Text(), nullable=True),
    sa.Column('skus', postgresql.ARRAY(sa.Text()), nullable=True),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('per_buyer_limit', sa.Integer(), nullable=True),
    sa.Column('total_quantity', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('coupon_holds',
    sa.Column('order_id', sa.Text(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('buyer_id', sa.Text(), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['code'], ['coupons.code']),
    sa.PrimaryKeyConstraint('order_id', 'code')
    )
    op.create_index('coupon_holds_held', 'coupon_holds', ['code', 'buyer_id'], unique=False,
                    postgresql_where=sa.text('returned_at IS NULL'))
    op.create_table('points_entries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('buyer_id', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('order_id', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('points_entries_buyer', 'points_entries', ['buyer_id', 'id'], unique=False)
    op.create_index('points_entries_returned_once', 'points_entries', ['order_id'], unique=True,
                    postgresql_where=sa.text("kind = 'returned'"))


def downgrade() -> None:
    op.drop_index('points_entries_returned_once', table_name='points_entries')
    op.drop_index('points_entries_buyer', table_name='points_entries')
    op.drop_table('points_entries')
    op.drop_index('coupon_holds_held', table_name='coupon_holds')
    op.drop_table('coupon_holds')
    op.drop_table('coupons')
    op.drop_table('freight_templates')
    op.drop_table('catalog_sku_versions')
    op.drop_index('catalog_skus_merchant', table_name='catalog_skus')
    op.drop_table('catalog_skus')
