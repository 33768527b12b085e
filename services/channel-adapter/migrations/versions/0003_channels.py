"""Channels: configuration, SKU maps, the catalog's SKUs, accounts and member links, the external
order ledger, the channels' changes and the sync-back outbox (issue 13).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("code", sa.Text(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("vocabulary", JSONB(), nullable=False),
        sa.Column("price_list", JSONB(), nullable=False),
        sa.Column("credit_limit_amount", sa.BigInteger()),
        sa.Column("valid_from", TZ),
        sa.Column("valid_until", TZ),
        sa.Column("member_limit_amount", sa.BigInteger()),
        sa.Column("credit_used_amount", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("api_base_url", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default="true"),
        sa.Column("poll_cursor", sa.Text()),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "sku_map",
        sa.Column("channel", sa.Text(), primary_key=True),
        sa.Column("channel_sku", sa.Text(), primary_key=True),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
    )
    op.create_table(
        "catalog_skus",
        sa.Column("sku", sa.Text(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("merchant_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("unit_price_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("phone", sa.Text(), unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("merged_into", sa.Text()),
    )
    op.create_table(
        "member_links",
        sa.Column("channel", sa.Text(), primary_key=True),
        sa.Column("member_id", sa.Text(), primary_key=True),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("linked_at", TZ, nullable=False),
    )
    op.create_table(
        "channel_orders",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("external_order_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("news", JSONB(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text()),
        sa.Column("review_reason", sa.Text()),
        sa.Column("review_detail", sa.Text()),
        sa.Column("credit_amount", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("order_id", sa.Text()),
        sa.Column("line_ids", JSONB(), nullable=False, server_default="{}"),
        sa.Column("unit_credit", JSONB(), nullable=False, server_default="{}"),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("channel", "external_order_id", name="uq_channel_orders_external"),
    )
    op.create_index("ix_channel_orders_status", "channel_orders", ["channel", "status"])
    op.create_index("ix_channel_orders_order", "channel_orders", ["order_id"])
    op.create_table(
        "channel_news",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("news_key", sa.Text(), nullable=False),
        sa.Column("external_order_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("news", JSONB(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.Column("case_id", sa.Text()),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("channel", "news_key", name="uq_channel_news_key"),
    )
    op.create_index("ix_channel_news_order", "channel_news", ["channel", "external_order_id"])
    op.create_table(
        "sync_calls",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("channel_order_id", sa.Text(), nullable=False),
        sa.Column("call_key", sa.Text(), nullable=False, unique=True),
        sa.Column("update", JSONB(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("acked_at", TZ),
    )
    op.create_index("ix_sync_calls_due", "sync_calls", ["next_attempt_at"], postgresql_where="status <> 'acked'")
    op.create_index("ix_sync_calls_order", "sync_calls", ["channel_order_id", "seq"])


def downgrade() -> None:
    for table in ("sync_calls", "channel_news", "channel_orders", "member_links", "accounts", "catalog_skus",
                  "sku_map", "channels"):
        op.drop_table(table)
