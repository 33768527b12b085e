"""The credit a channel has used is what its ledger orders hold: `channels.credit_used_amount`
goes (giving credit back no longer updates the channel's row, which the poller and every order
taken in hold while they lock ledger orders — the handlers that gave credit back locked a ledger
order first: deadlocks), and the sum has an index of its own.

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
    op.create_index("ix_channel_orders_credit", "channel_orders", ["channel"], postgresql_include=["credit_amount"],
                    postgresql_where=sa.text("credit_amount > 0"))
    op.drop_column("channels", "credit_used_amount")


def downgrade() -> None:
    op.add_column("channels", sa.Column("credit_used_amount", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute("UPDATE channels SET credit_used_amount = held.amount FROM (SELECT channel, sum(credit_amount) AS amount"
               " FROM channel_orders GROUP BY channel) AS held WHERE held.channel = channels.code")
    op.drop_index("ix_channel_orders_credit", table_name="channel_orders")
