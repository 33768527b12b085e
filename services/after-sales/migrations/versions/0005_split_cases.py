"""A part stop splits a case (issue 12): the case keeps the stopped units and the units going on
continue in a new return case — `cases.split_from` / `cases.continued_by` link the two.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("split_from", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("continued_by", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "continued_by")
    op.drop_column("cases", "split_from")
