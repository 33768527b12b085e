"""After-sales cases and the reverse saga: order facts, cases, their lines and history, the saga's
tables and data, Idempotency-Keys (a frozen copy of adapters/tables.py as of this revision).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from alembic import op
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

from tradeflow_kit.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1
from tradeflow_kit.sagas.schema import create_saga_tables_v1, drop_saga_tables_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _case_tables(metadata: MetaData) -> None:
    Table(
        "order_facts", metadata,
        Column("order_id", Text, primary_key=True),
        Column("version", BigInteger, nullable=False),
        Column("buyer_id", Text, nullable=False),
        Column("status", Text, nullable=False),
        Column("facts", JSONB, nullable=False),  # the OrderChanged payload, whole
        Column("changed_at", DateTime(timezone=True), nullable=False),
    )

    Table(
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
        Index("cases_buyer_opened", "buyer_id", "opened_at"),
        Index("cases_status_opened", "status", "opened_at"),
    )

    Table(
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

    Table(
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

    Table(
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
    )


def upgrade() -> None:
    create_saga_tables_v1(op.get_bind())
    create_idempotency_table_v1(op.get_bind())
    metadata = MetaData()
    _case_tables(metadata)
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata = MetaData()
    _case_tables(metadata)
    metadata.drop_all(op.get_bind())
    drop_idempotency_table_v1(op.get_bind())
    drop_saga_tables_v1(op.get_bind())
