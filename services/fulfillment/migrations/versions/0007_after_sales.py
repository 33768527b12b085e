"""After-sales (issue 12): a shipment may be an after-sales case's replacement (`case_id`); the
returns cases expect (`case_returns`: registered with the warehouse by the returns job, due at
`registration_due_at`; received, inspected, and the units restocked, attributed to the shipments
that carried them); the lines a case revoked (`case_revocations`, also before their entitlement was
granted), and the case that revoked an entitlement (`entitlements.revoke_case_id`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shipments", sa.Column("case_id", sa.Text(), nullable=True))
    op.create_index("shipments_case", "shipments", ["case_id"], postgresql_where=sa.text("case_id IS NOT NULL"))
    op.add_column("entitlements", sa.Column("revoke_case_id", sa.Text(), nullable=True))
    op.create_table(
        "case_returns",
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("warehouse", sa.Text(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("carrier", sa.Text(), nullable=True),
        sa.Column("waybill", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registration", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("registration_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("restocks", postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.PrimaryKeyConstraint("case_id", name="case_returns_pkey"),
        sa.CheckConstraint("status IN ('expected', 'received', 'inspected_ok', 'inspected_failed')",
                           name="case_returns_status_known"),
    )
    op.create_index("case_returns_order", "case_returns", ["order_id"])
    op.create_index("case_returns_due", "case_returns", ["registration_due_at"],
                    postgresql_where=sa.text("registration_due_at IS NOT NULL"))
    op.create_table(
        "case_revocations",
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entitlement_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "line_id", name="case_revocations_pkey"),
    )
    op.create_index("case_revocations_line", "case_revocations", ["order_id", "line_id"])


def downgrade() -> None:
    op.drop_index("case_revocations_line", table_name="case_revocations")
    op.drop_table("case_revocations")
    op.drop_index("case_returns_due", table_name="case_returns",
                  postgresql_where=sa.text("registration_due_at IS NOT NULL"))
    op.drop_index("case_returns_order", table_name="case_returns")
    op.drop_table("case_returns")
    op.drop_column("entitlements", "revoke_case_id")
    op.drop_index("shipments_case", table_name="shipments", postgresql_where=sa.text("case_id IS NOT NULL"))
    op.drop_column("shipments", "case_id")
