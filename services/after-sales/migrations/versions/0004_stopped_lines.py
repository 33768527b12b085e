"""The units the order stopped for a case before shipment (`case_progress.stopped_lines`): the
order's facts count them as cancelled too, so a snapshot counts them once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_progress", sa.Column("stopped_lines", JSONB, nullable=False, server_default="{}"))


def downgrade() -> None:
    op.drop_column("case_progress", "stopped_lines")
