"""Orders: orders, sub-orders, lines, history; Idempotency-Key store.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 21:53:35.895893
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('principal', sa.Text(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('request_hash', sa.Text(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'principal', 'key')
    )
    op.create_table('orders',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('buyer_id', sa.Text(), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('receiver', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('receiver_phone', sa.Text(), nullable=False),
    sa.Column('receiver_address', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('payment_status', sa.Text(), nullable=False),
    sa.Column('step', sa.Text(), nullable=False),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('hold_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('payment_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refunded_amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_amount', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('orders_address_created', 'orders', ['receiver_address', 'created_at'], unique=False)
    op.create_index('orders_buyer_created', 'orders', ['buyer_id', 'created_at'], unique=False)
    op.create_index('orders_due_payment', 'orders', ['payment_deadline'], unique=False,
                    postgresql_where="step = 'awaiting_payment'")
    op.create_index('orders_phone_created', 'orders', ['receiver_phone', 'created_at'], unique=False)
    op.create_table('order_history',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('order_id', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.Text(), nullable=True),
    sa.Column('to_status', sa.Text(), nullable=False),
    sa.Column('event', sa.Text(), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_order_history_order_id'), 'order_history', ['order_id'], unique=False)
    op.create_table('sub_orders',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('order_id', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('reservation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_sub_orders_order_id'), 'sub_orders', ['order_id'], unique=False)
    op.create_table('order_lines',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('sub_order_id', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sku', sa.Text(), nullable=False),
    sa.Column('merchant_id', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_amount', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('fragile', sa.Boolean(), nullable=False),
    sa.Column('shipping_amount', sa.BigInteger(), nullable=False),
    sa.Column('discounts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('refunded_amount', sa.BigInteger(), nullable=False),
    sa.Column('warehouse', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['sub_order_id'], ['sub_orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_order_lines_sub_order_id'), 'order_lines', ['sub_order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_order_lines_sub_order_id'), table_name='order_lines')
    op.drop_table('order_lines')
    op.drop_index(op.f('ix_sub_orders_order_id'), table_name='sub_orders')
    op.drop_table('sub_orders')
    op.drop_index(op.f('ix_order_history_order_id'), table_name='order_history')
    op.drop_table('order_history')
    op.drop_index('orders_phone_created', table_name='orders')
    op.drop_index('orders_due_payment', table_name='orders', postgresql_where="step = 'awaiting_payment'")
    op.drop_index('orders_buyer_created', table_name='orders')
    op.drop_index('orders_address_created', table_name='orders')
    op.drop_table('orders')
    op.drop_table('idempotency_keys')
