"""The channel-adapter service's tables (SQLAlchemy Core metadata, the source of its migrations).

* `channels`: each channel's configuration (kind, secret, vocabulary, price list, controls); its
  row is the lock concurrent orders of the channel take their credit under, so they never
  overdraw it. The credit it has used is what its orders hold (`channel_orders.credit_amount`):
  giving credit back changes only the order, never this row, so whoever holds a ledger order
  never waits for the channel's row (one lock order: the channel's row, then its orders).
* `sku_map`: each channel SKU → exactly one local SKU (or an ERP code → a local SKU).
* `catalog_skus`: the price book's SKUs as `CatalogSkuChanged` told them (highest version kept):
  mappings must name a known SKU, and the price list's base price is the catalog's.
* `accounts`, `member_links`: platform accounts by normalised phone (unique), and each (channel,
  member) linked to exactly one account.
* `channel_orders`: the external order ledger — one row per (channel, external order id), its
  standard form, whether it waits in review (and why), the credit it holds, and the platform's
  order once placed.
* `channel_news`: cancellations, refunds and address changes of a channel's orders, each once
  (by its key), parked until its order is placed when it arrives first.
* `sync_calls`: the sync-back outbox: each call to a channel once (by its key), in order per
  channel order (`seq`), until the channel acknowledges it; failures back off and show.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from tradeflow_kit.messaging.schema import messaging_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)

channels = Table(
    "channels", metadata,
    Column("code", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("vocabulary", JSONB, nullable=False),
    Column("price_list", JSONB, nullable=False),
    Column("credit_limit_amount", BigInteger),
    Column("valid_from", DateTime(timezone=True)),
    Column("valid_until", DateTime(timezone=True)),
    Column("member_limit_amount", BigInteger),
    Column("api_base_url", Text),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("poll_cursor", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

sku_map = Table(
    "sku_map", metadata,
    Column("channel", Text, primary_key=True),
    Column("channel_sku", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", Text, nullable=False),
)

catalog_skus = Table(
    "catalog_skus", metadata,
    Column("sku", Text, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("unit_price_amount", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

accounts = Table(
    "accounts", metadata,
    Column("id", Text, primary_key=True),
    Column("phone", Text, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("merged_into", Text),
)

member_links = Table(
    "member_links", metadata,
    Column("channel", Text, primary_key=True),
    Column("member_id", Text, primary_key=True),
    Column("account_id", Text, nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

channel_orders = Table(
    "channel_orders", metadata,
    Column("id", Text, primary_key=True),
    Column("channel", Text, nullable=False),
    Column("external_order_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("news", JSONB, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("account_id", Text),
    Column("review_reason", Text),
    Column("review_detail", Text),
    Column("credit_amount", BigInteger, nullable=False, server_default="0"),
    Column("order_id", Text),
    Column("line_ids", JSONB, nullable=False, server_default="{}"),
    Column("unit_credit", JSONB, nullable=False, server_default="{}"),
    Column("order_status", Text),
    Column("facts_version", BigInteger),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("channel", "external_order_id", name="uq_channel_orders_external"),
    Index("ix_channel_orders_status", "channel", "status"),
    Index("ix_channel_orders_order", "order_id"),
    Index("ix_channel_orders_credit", "channel", postgresql_include=["credit_amount"],
          postgresql_where=text("credit_amount > 0")),
)

channel_news = Table(
    "channel_news", metadata,
    Column("id", Text, primary_key=True),
    Column("channel", Text, nullable=False),
    Column("news_key", Text, nullable=False),
    Column("external_order_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("news", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("detail", Text),
    Column("case_id", Text),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("channel", "news_key", name="uq_channel_news_key"),
    Index("ix_channel_news_order", "channel", "external_order_id"),
)

sync_calls = Table(
    "sync_calls", metadata,
    Column("id", Text, primary_key=True),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    Column("channel", Text, nullable=False),
    Column("channel_order_id", Text, nullable=False),
    Column("call_key", Text, nullable=False, unique=True),
    Column("update", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acked_at", DateTime(timezone=True)),
    Index("ix_sync_calls_due", "next_attempt_at", postgresql_where="status <> 'acked'"),
    Index("ix_sync_calls_order", "channel_order_id", "seq"),
)
