"""Idempotency keys for the staff API's POSTs (a receipt of goods is recorded once per key).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from alembic import op

from tradeflow_kit.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_table_v1(op.get_bind())


def downgrade() -> None:
    drop_idempotency_table_v1(op.get_bind())
