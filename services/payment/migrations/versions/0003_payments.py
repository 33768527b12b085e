"""Payments: payables, payment attempts, refunds, handled provider callbacks, idempotency keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from tradeflow_kit.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payables",
        sa.Column("order_id", sa.Text, primary_key=True),
        sa.Column("buyer_id", sa.Text, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("deadline", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_at", TZ),
        sa.Column("close_reason", sa.Text),
        sa.CheckConstraint("amount >= 0", name="payables_amount_not_negative"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("order_id", sa.Text, sa.ForeignKey("payables.order_id", name="payments_order_id_fkey"),
                  nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("psp_reference", sa.Text),
        sa.Column("pay_url", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("settled_at", TZ),
        sa.UniqueConstraint("psp_reference", name="payments_psp_reference_key"),
    )
    op.create_index("payments_by_order", "payments", ["order_id", "created_at"])
    op.create_table(
        "refunds",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("order_id", sa.Text, sa.ForeignKey("payables.order_id", name="refunds_order_id_fkey"),
                  nullable=False),
        sa.Column("payment_id", sa.Text, sa.ForeignKey("payments.id", name="refunds_payment_id_fkey")),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("psp_reference", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("amount > 0", name="refunds_amount_positive"),
    )
    op.create_index("refunds_by_order", "refunds", ["order_id", "created_at"])
    op.create_table(
        "psp_callbacks",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("psp_reference", sa.Text, nullable=False),
        sa.Column("received_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    create_idempotency_table_v1(op.get_bind())


def downgrade() -> None:
    drop_idempotency_table_v1(op.get_bind())
    op.drop_table("psp_callbacks")
    op.drop_index("refunds_by_order", table_name="refunds")
    op.drop_table("refunds")
    op.drop_index("payments_by_order", table_name="payments")
    op.drop_table("payments")
    op.drop_table("payables")
