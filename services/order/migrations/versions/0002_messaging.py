"""Messaging: the transactional outbox and the idempotent-consumer inbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op

from tradeflow_kit.messaging.schema import create_messaging_tables_v1, drop_messaging_tables_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables_v1(op.get_bind())


def downgrade() -> None:
    drop_messaging_tables_v1(op.get_bind())
