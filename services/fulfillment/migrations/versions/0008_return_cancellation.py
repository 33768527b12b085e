"""After-sales returns cancelled (issue 12, CancelExpectedReturn): `case_returns.cancellation`
(JSON: reason, send_back, at, moot, told_at, sent_back_at), the statuses `cancelled`, `held` and
`sent_back`, `warehouse` unknown for a cancel that came before the return was expected, and an
index to list returns by status (ops find held parcels).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BEFORE = "status IN ('expected', 'received', 'inspected_ok', 'inspected_failed')"
AFTER = ("status IN ('expected', 'received', 'inspected_ok', 'inspected_failed', 'cancelled', 'held', "
         "'sent_back')")


def upgrade() -> None:
    op.add_column("case_returns", sa.Column("cancellation", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.alter_column("case_returns", "warehouse", existing_type=sa.Text(), nullable=True)
    op.drop_constraint("case_returns_status_known", "case_returns", type_="check")
    op.create_check_constraint("case_returns_status_known", "case_returns", AFTER)
    op.create_index("case_returns_status", "case_returns", ["status", "expected_at"])


def downgrade() -> None:
    op.drop_index("case_returns_status", table_name="case_returns")
    op.execute("DELETE FROM case_returns WHERE status IN ('cancelled', 'held', 'sent_back') OR warehouse IS NULL")
    op.drop_constraint("case_returns_status_known", "case_returns", type_="check")
    op.create_check_constraint("case_returns_status_known", "case_returns", BEFORE)
    op.alter_column("case_returns", "warehouse", existing_type=sa.Text(), nullable=False)
    op.drop_column("case_returns", "cancellation")
