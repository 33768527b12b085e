"""The payment service's tables (SQLAlchemy Core metadata, the source of its migrations).

Money is integer minor units (BIGINT) with the currency on the same row.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from tradeflow_kit.idempotency import idempotency_table
from tradeflow_kit.messaging.schema import messaging_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)
idempotency_keys = idempotency_table(metadata)

payables = Table(
    "payables", metadata,
    Column("order_id", Text, primary_key=True),
    Column("buyer_id", Text, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("close_reason", Text),
    CheckConstraint("amount >= 0", name="payables_amount_not_negative"),
)

payments = Table(
    "payments", metadata,
    Column("id", Text, primary_key=True),
    Column("order_id", Text, ForeignKey("payables.order_id", name="payments_order_id_fkey"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("psp_reference", Text),
    Column("pay_url", Text),
    Column("failure_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("settled_at", DateTime(timezone=True)),
    Column("provider_state", Text),  # what the PSP last said (webhook or status query)
    Column("provider_checked_at", DateTime(timezone=True)),
    UniqueConstraint("psp_reference", name="payments_psp_reference_key"),
    Index("payments_by_order", "order_id", "created_at"),
    Index("payments_to_reconcile", "created_at", postgresql_where="status IN ('pending', 'expired')"),
)

refunds = Table(
    "refunds", metadata,
    Column("id", Text, primary_key=True),
    Column("order_id", Text, ForeignKey("payables.order_id", name="refunds_order_id_fkey"), nullable=False),
    Column("payment_id", Text, ForeignKey("payments.id", name="refunds_payment_id_fkey")),
    Column("amount", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("psp_reference", Text),
    Column("failure_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),  # calls to the PSP so far
    Column("next_attempt_at", DateTime(timezone=True)),  # a pending refund is tried again then
    Column("last_error", Text),  # why the PSP could not be reached last time
    Column("settled_at", DateTime(timezone=True)),
    Column("requested_by", Text),  # the staff member who asked (POST /payments/{id}/refunds); NULL: the order saga
    CheckConstraint("amount > 0", name="refunds_amount_positive"),
    Index("refunds_by_order", "order_id", "created_at"),
    Index("refunds_to_retry", "next_attempt_at", postgresql_where="status = 'pending'"),
)

psp_callbacks = Table(
    "psp_callbacks", metadata,
    Column("event_id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("psp_reference", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
