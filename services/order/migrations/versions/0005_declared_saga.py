"""The order saga runs on the kit's declared sagas: its step and deadline move from `orders` to
the kit's `sagas` table (with the history of moves in `saga_moves`); existing orders are carried
over at the step they stand in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:40:00
"""

import sqlalchemy as sa
from alembic import op

from tradeflow_kit.sagas.schema import create_saga_tables_v1, drop_saga_tables_v1

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_saga_tables_v1(op.get_bind())
    op.execute("""
        INSERT INTO sagas (id, name, step, state, started_at, updated_at, deadline_at, attempts)
        SELECT id, 'order', step,
               CASE step WHEN 'handed_over' THEN 'completed' WHEN 'cancelled' THEN 'compensated' ELSE 'running' END,
               created_at, now(), CASE step WHEN 'awaiting_payment' THEN payment_deadline END, 0
        FROM orders""")
    op.execute("""
        INSERT INTO saga_moves (saga_id, at, from_step, to_step, cause)
        SELECT id, now(), NULL, step, 'carried over from orders.step' FROM orders""")
    op.drop_index('orders_due_payment', table_name='orders', postgresql_where="step = 'awaiting_payment'")
    op.drop_column('orders', 'step')


def downgrade() -> None:
    op.add_column('orders', sa.Column('step', sa.Text(), nullable=True))
    op.execute("UPDATE orders SET step = sagas.step FROM sagas WHERE sagas.id = orders.id")
    op.execute("UPDATE orders SET step = 'reserving' WHERE step IS NULL")
    op.alter_column('orders', 'step', nullable=False)
    op.create_index('orders_due_payment', 'orders', ['payment_deadline'], unique=False,
                    postgresql_where="step = 'awaiting_payment'")
    drop_saga_tables_v1(op.get_bind())
