"""The messaging tables every service database has: `outbox` and `inbox`."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from tradeflow_kit.schema_steps import create_tables, drop_tables


def messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add `outbox` and `inbox` to a service's metadata; returns them."""
    outbox = Table(
        "outbox", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("message_id", Uuid, nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("outbox_pending", "id", postgresql_where=text("published_at IS NULL")),
    )
    inbox = Table(
        "inbox", metadata,
        Column("consumer", Text, primary_key=True),
        Column("message_id", Uuid, primary_key=True),
        Column("type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return outbox, inbox


def create_messaging_tables_v1(bind) -> None:
    """Migration step: create version 1 of the messaging tables."""
    create_tables(bind, messaging_tables)


def drop_messaging_tables_v1(bind) -> None:
    drop_tables(bind, messaging_tables)
