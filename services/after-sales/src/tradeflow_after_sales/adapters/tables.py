"""The after-sales service's tables (SQLAlchemy Core metadata, the source of its migrations).

* `order_facts`: each order's after-sales facts as the last `OrderChanged` told (highest version
  kept); its row is the lock the order's cases are opened and re-priced under.
* `cases`, `case_lines`, `case_history`: the after-sales case aggregate (history append-only).
* `case_progress`: the reverse saga's data beside the kit's `sagas` row (same id as the case):
  the refund attempt and its id, consecutive failures of the step, the return warehouse, the
  replacement's reservation, the entitlements answered and the units the order stopped for it.
* `catalog_skus`: the price book's SKUs as `CatalogSkuChanged` told them (highest version kept),
  for checking an exchange's replacement.
* `idempotency_keys`: `Idempotency-Key` of the changing POSTs.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from tradeflow_kit.idempotency import idempotency_table
from tradeflow_kit.messaging.schema import messaging_tables
from tradeflow_kit.sagas.schema import saga_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)
sagas, saga_moves = saga_tables(metadata)
idempotency_keys = idempotency_table(metadata)

order_facts = Table(
    "order_facts", metadata,
    Column("order_id", Text, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("buyer_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("facts", JSONB, nullable=False),  # the OrderChanged payload, whole
    Column("changed_at", DateTime(timezone=True), nullable=False),
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

cases = Table(
    "cases", metadata,
    Column("id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("buyer_id", Text, nullable=False),
    Column("merchant_ids", ARRAY(Text), nullable=False),
    Column("currency", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("requested_by", JSONB, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("before_shipment", Boolean, nullable=False),
    Column("channel_refund_amount", BigInteger),
    Column("return_parcel", JSONB),
    Column("return_deadline", DateTime(timezone=True)),
    Column("attention", JSONB),
    Column("override", JSONB),
    Column("goodwill", JSONB, nullable=False),
    Column("refunded_amount", BigInteger),
    Column("refund_id", Text),
    Column("replacement_shipment_id", Text),
    Column("split_from", Text),  # a part stop: the case whose units going on this one continues
    Column("continued_by", Text),  # … and the case that continues this one's
    Index("cases_buyer_opened", "buyer_id", "opened_at"),
    Index("cases_status_opened", "status", "opened_at"),
)

case_lines = Table(
    "case_lines", metadata,
    Column("case_id", Text, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("line_id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("virtual", Boolean, nullable=False),
    Column("refund", JSONB),  # {goods, shipping, points, shipping_refunded, amount}
    Column("replacement", JSONB),  # {sku, unit_price_amount}
)

case_history = Table(
    "case_history", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("case_id", Text, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("from_status", Text),
    Column("to_status", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("reason", Text),
)

case_progress = Table(
    "case_progress", metadata,
    Column("case_id", Text, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("refund_attempt", Integer, nullable=False),
    Column("pending_refund_id", Text),
    Column("refund_failed", Boolean, nullable=False),
    Column("stop_refund_id", Text),
    Column("failures", Integer, nullable=False),
    Column("return_warehouse", Text),
    Column("replacement_warehouses", JSONB, nullable=False),  # [{code, quantity}] reserved for the case
    Column("revoked_lines", JSONB, nullable=False),  # line ids whose entitlement answered
    Column("stopped_lines", JSONB, nullable=False, server_default="{}"),  # {line_id: [units, amount]} the order
    # stopped for the case (before shipment): in the order's cancelled units too, so counted once
)
