"""Staff refund a payment over HTTP: who asked for each refund (NULL for the order saga's).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("refunds", sa.Column("requested_by", sa.Text))


def downgrade() -> None:
    op.drop_column("refunds", "requested_by")
