"""Held orders have a review deadline (ORDER_REVIEW_TIMEOUT_SECONDS, 24 h by default): sagas
held before it existed get one, 24 hours after they were held, so none waits for ever.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:55:00
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        UPDATE sagas SET deadline_at = updated_at + interval '24 hours'
        WHERE name = 'order' AND step = 'held' AND state = 'running' AND deadline_at IS NULL""")


def downgrade() -> None:
    op.execute("UPDATE sagas SET deadline_at = NULL WHERE name = 'order' AND step = 'held'")
